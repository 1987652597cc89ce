using System.Globalization;
using System.Security.Claims;
using System.Text;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Notifications.ListNotifications;

/// <summary>
/// Newest first, paged with <see cref="Before"/> (the nextCursor of the previous page). <see cref="Since"/> (a cursor
/// or a time) returns what came after it, oldest first: the catch-up after being offline.
/// </summary>
internal sealed record ListNotificationsRequest(bool? Unread, string? Before, string? Since, int? Limit)
{
    public const int MaxLimit = 100;

    /// <summary>
    /// A cursor is a position in (created at, id) order, so notifications stored in the same instant (a burst saved in
    /// one transaction) are neither skipped nor repeated at a page boundary. A plain ISO 8601 time works for since=.
    /// </summary>
    public static bool TryReadCursor(string? text, out DateTime time, out Guid? id)
    {
        id = null;
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)).Split('|');
            if (parts.Length == 2 && Guid.TryParse(parts[1], out var parsedId)
                && DateTime.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time))
            {
                id = parsedId;
                return true;
            }
        }
        catch (FormatException)
        {
            // Not one of our cursors: perhaps a time.
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
    }

    public static string Cursor(NotificationRecord notification) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{notification.CreatedAt.ToString("O", CultureInfo.InvariantCulture)}|{notification.Id}"));
}

internal sealed class ListNotificationsRequestValidator : AbstractValidator<ListNotificationsRequest>
{
    public ListNotificationsRequestValidator()
    {
        RuleFor(request => request.Limit).ValidPageSize(ListNotificationsRequest.MaxLimit);
        RuleFor(request => request.Before).Must(cursor => cursor is null || ListNotificationsRequest.TryReadCursor(cursor, out _, out _)).WithMessage("before is a cursor from a previous page.");
        RuleFor(request => request.Since).Must(cursor => cursor is null || ListNotificationsRequest.TryReadCursor(cursor, out _, out _)).WithMessage("since is a cursor or an ISO 8601 time.");
        RuleFor(request => request).Must(request => request.Before is null || request.Since is null).OverridePropertyName("since").WithMessage("Use before or since, not both.");
    }
}

internal sealed record NotificationPage(IReadOnlyList<NotificationView> Items, string? NextCursor, int Unread);

internal static class ListNotificationsEndpoint
{
    public static void MapListNotifications(this RouteGroupBuilder notifications)
    {
        notifications.MapGet("/", ListAsync).WithName("ListNotifications").WithSummary("The caller's notifications (?unread=true&before=&since=&limit=)");
        notifications.MapGet("/{id:guid}", GetAsync).WithName("GetNotification").WithSummary("One notification with each delivery's status");
    }

    private static async Task<Ok<NotificationPage>> ListAsync(
        [AsParameters] ListNotificationsRequest request, ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var limit = request.Limit ?? 50;
        var mine = database.Notifications.AsNoTracking().Where(notification => notification.UserId == userId);
        var query = request.Unread == true ? mine.Where(notification => notification.ReadAt == null && notification.DismissedAt == null) : mine;
        List<NotificationRecord> items;
        if (ListNotificationsRequest.TryReadCursor(request.Since, out var since, out var sinceId))
        {
            query = sinceId is { } afterId
                ? query.Where(notification => notification.CreatedAt > since || (notification.CreatedAt == since && notification.Id.CompareTo(afterId) > 0))
                : query.Where(notification => notification.CreatedAt > since);
            items = await query.OrderBy(notification => notification.CreatedAt).ThenBy(notification => notification.Id).Take(limit).ToListAsync(cancellationToken);
        }
        else
        {
            if (ListNotificationsRequest.TryReadCursor(request.Before, out var before, out var beforeId))
            {
                query = beforeId is { } upToId
                    ? query.Where(notification => notification.CreatedAt < before || (notification.CreatedAt == before && notification.Id.CompareTo(upToId) < 0))
                    : query.Where(notification => notification.CreatedAt < before);
            }
            items = await query.OrderByDescending(notification => notification.CreatedAt).ThenByDescending(notification => notification.Id).Take(limit).ToListAsync(cancellationToken);
        }
        var unread = await mine.CountAsync(notification => notification.ReadAt == null && notification.DismissedAt == null, cancellationToken);
        var next = items.Count == limit ? ListNotificationsRequest.Cursor(items[^1]) : null;
        return TypedResults.Ok(new NotificationPage(items.Select(notification => NotificationView.From(notification)).ToList(), next, unread));
    }

    private static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken)
    {
        var notification = await database.Notifications.AsNoTracking().Include(candidate => candidate.Deliveries)
            .FindOwnedAsync(id, user.GetUserId(), cancellationToken);
        return notification is null ? NotificationProblems.NotFound(id) : TypedResults.Ok(NotificationView.From(notification, withDeliveries: true));
    }
}

internal static class NotificationProblems
{
    /// <summary>Another user's notification is reported exactly like a missing one.</summary>
    public static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem($"No notification {id}.", statusCode: StatusCodes.Status404NotFound, title: "Notification not found");
}
