using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.ListNotifications;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.ActOnNotification;

internal sealed record ReadAllResult(int Marked);

internal static class MarkNotificationEndpoints
{
    public static void MapMarkNotifications(this RouteGroupBuilder notifications)
    {
        notifications.MapPost("/{id:guid}/read", (Guid id, ClaimsPrincipal user, NotificationsDbContext database, TimeProvider time, CancellationToken cancellationToken) =>
            MarkAsync(id, user, database, notification => notification.ReadAt ??= time.GetUtcNow().UtcDateTime, cancellationToken)).WithName("MarkNotificationRead").WithSummary("Marks one notification read");
        notifications.MapPost("/{id:guid}/dismiss", (Guid id, ClaimsPrincipal user, NotificationsDbContext database, TimeProvider time, CancellationToken cancellationToken) =>
            MarkAsync(id, user, database, notification =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                notification.DismissedAt ??= now;
                notification.ReadAt ??= now;
            }, cancellationToken)).WithName("DismissNotification").WithSummary("Dismisses one notification (it leaves the unread list and the inbox)");
        notifications.MapPost("/read-all", ReadAllAsync).WithName("MarkAllNotificationsRead").WithSummary("Marks every notification of the caller read");
    }

    private static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> MarkAsync(
        Guid id, ClaimsPrincipal user, NotificationsDbContext database, Action<NotificationRecord> mark, CancellationToken cancellationToken)
    {
        var notification = await database.Notifications.FindOwnedAsync(id, user.GetUserId(), cancellationToken);
        if (notification is null)
        {
            return NotificationProblems.NotFound(id);
        }
        mark(notification);
        await database.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(NotificationView.From(notification));
    }

    private static async Task<Ok<ReadAllResult>> ReadAllAsync(ClaimsPrincipal user, NotificationsDbContext database, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var userId = user.GetUserId();
        var marked = await database.Notifications.Where(notification => notification.UserId == userId && notification.ReadAt == null)
            .ExecuteUpdateAsync(notification => notification.SetProperty(column => column.ReadAt, now), cancellationToken);
        return TypedResults.Ok(new ReadAllResult(marked));
    }
}
