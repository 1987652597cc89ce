using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.ActOnNotification;

/// <summary>The body is optional: snooze takes minutes (default 60), moveLevel an amount or a percent.</summary>
internal sealed record NotificationActionRequest(Guid Id, string Action, [property: Microsoft.AspNetCore.Mvc.FromBody] NotificationActionBody? Body);

internal sealed record NotificationActionBody(int? Minutes, decimal? Amount, decimal? Percent);

internal sealed class NotificationActionRequestValidator : AbstractValidator<NotificationActionRequest>
{
    public static readonly string[] Actions = ["snooze", "rearm", "disable", "moveLevel"];

    public NotificationActionRequestValidator()
    {
        RuleFor(request => request.Action).Must(action => Actions.Contains(action)).WithMessage($"action must be one of {string.Join(", ", Actions)}.");
        RuleFor(request => request.Body!.Minutes).InclusiveBetween(1, 60 * 24 * 30).When(request => request.Body is not null).OverridePropertyName("minutes");
        RuleFor(request => request.Body).Must(body => body is not null && (body.Amount is not null ^ body.Percent is not null) && body.Amount != 0 && body.Percent != 0
                && body.Amount is null or (> -1_000_000_000m and < 1_000_000_000m) && body.Percent is null or (> -100m and <= 1000m))
            .When(request => request.Action == "moveLevel")
            .OverridePropertyName("amount").WithMessage("moveLevel needs exactly one of amount or percent (non-zero; negative moves down; percent above -100).");
    }
}

internal sealed record NotificationActionResult(Guid NotificationId, string Action, string Changed, string? RuleState, decimal? Level);

internal static class ActOnNotificationEndpoint
{
    public static void MapActOnNotification(this RouteGroupBuilder notifications) =>
        notifications.MapPost("/{id:guid}/actions/{action}", HandleAsync).WithName("ActOnNotification")
            .WithSummary("snooze | rearm | disable | moveLevel the notification's rule; says what changed");

    private static async Task<Results<Ok<NotificationActionResult>, ProblemHttpResult>> HandleAsync(
        [AsParameters] NotificationActionRequest request, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var notification = await database.Notifications.FindOwnedAsync(request.Id, userId, cancellationToken);
        if (notification is null)
        {
            return ListNotifications.NotificationProblems.NotFound(request.Id);
        }
        RuleActionResult result = request.Action switch
        {
            "snooze" => await mediator.Send(new SnoozeRule(notification.RuleId, userId, TimeSpan.FromMinutes(request.Body?.Minutes ?? 60)), cancellationToken),
            "rearm" => await mediator.Send(new RearmRule(notification.RuleId, userId), cancellationToken),
            "disable" => await mediator.Send(new DisableRule(notification.RuleId, userId), cancellationToken),
            _ => await mediator.Send(new MoveRuleLevel(notification.RuleId, userId, request.Body?.Amount, request.Body?.Percent), cancellationToken),
        };
        if (!result.Found)
        {
            return TypedResults.Problem($"The rule of this notification was deleted, so '{request.Action}' no longer applies.",
                statusCode: StatusCodes.Status409Conflict, title: "Action no longer applies");
        }
        notification.ActedAt = time.GetUtcNow().UtcDateTime;
        notification.Action = request.Action;
        notification.ReadAt ??= notification.ActedAt;
        await database.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new NotificationActionResult(notification.Id, request.Action, result.Changed, result.State, result.Level));
    }
}
