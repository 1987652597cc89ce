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

/// <summary>How long to snooze the rule, in minutes (60 when left out).</summary>
internal sealed record SnoozeRequest(int? Minutes);

/// <summary>Moves the rule's level (or band) by exactly one of an amount or a percent; negative moves down.</summary>
internal sealed record MoveLevelRequest(decimal? Amount, decimal? Percent);

internal sealed class SnoozeRequestValidator : AbstractValidator<SnoozeRequest>
{
    public SnoozeRequestValidator() => RuleFor(request => request.Minutes).InclusiveBetween(1, 60 * 24 * 30);
}

internal sealed class MoveLevelRequestValidator : AbstractValidator<MoveLevelRequest>
{
    public MoveLevelRequestValidator() =>
        RuleFor(request => request).Must(body => (body.Amount is not null ^ body.Percent is not null) && body.Amount != 0 && body.Percent != 0
                && body.Amount is null or (> -1_000_000_000m and < 1_000_000_000m) && body.Percent is null or (> -100m and <= 1000m))
            .OverridePropertyName("amount").WithMessage("Give exactly one of amount or percent (non-zero; negative moves down; percent above -100).");
}

internal sealed record NotificationActionResult(Guid NotificationId, string Action, string Changed, string? RuleState, decimal? Level);

/// <summary>What a person can do from a notification to its rule: each answers what changed, or 409 when the rule is gone.</summary>
internal static class ActOnNotificationEndpoint
{
    public static void MapActOnNotification(this RouteGroupBuilder notifications)
    {
        notifications.MapPost("/{id:guid}/actions/snooze", (Guid id, [Microsoft.AspNetCore.Mvc.FromBody] SnoozeRequest? body, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator, TimeProvider time, CancellationToken cancellationToken) =>
                ActAsync(id, "snooze", (ruleId, userId) => new SnoozeRule(ruleId, userId, TimeSpan.FromMinutes(body?.Minutes ?? 60)), user, database, mediator, time, cancellationToken))
            .WithName("SnoozeRuleOfNotification").WithSummary("Pauses the notification's rule for some minutes; it resumes by itself").ProducesProblem(StatusCodes.Status409Conflict);
        notifications.MapPost("/{id:guid}/actions/rearm", (Guid id, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator, TimeProvider time, CancellationToken cancellationToken) =>
                ActAsync(id, "rearm", (ruleId, userId) => new RearmRule(ruleId, userId), user, database, mediator, time, cancellationToken))
            .WithName("RearmRuleOfNotification").WithSummary("Arms the notification's rule again, so it can fire at the next match").ProducesProblem(StatusCodes.Status409Conflict);
        notifications.MapPost("/{id:guid}/actions/disable", (Guid id, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator, TimeProvider time, CancellationToken cancellationToken) =>
                ActAsync(id, "disable", (ruleId, userId) => new DisableRule(ruleId, userId), user, database, mediator, time, cancellationToken))
            .WithName("DisableRuleOfNotification").WithSummary("Pauses the notification's rule until it is resumed").ProducesProblem(StatusCodes.Status409Conflict);
        notifications.MapPost("/{id:guid}/actions/moveLevel", (Guid id, MoveLevelRequest body, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator, TimeProvider time, CancellationToken cancellationToken) =>
                ActAsync(id, "moveLevel", (ruleId, userId) => new MoveRuleLevel(ruleId, userId, body.Amount, body.Percent), user, database, mediator, time, cancellationToken))
            .WithName("MoveLevelOfNotification").WithSummary("Moves the rule's level (or band) by an amount or a percent, e.g. to be told at the next step").ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<NotificationActionResult>, ProblemHttpResult>> ActAsync(
        Guid id, string action, Func<Guid, string, ICommand<RuleActionResult>> command, ClaimsPrincipal user, NotificationsDbContext database, IMediator mediator,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var notification = await database.Notifications.FindOwnedAsync(id, userId, cancellationToken);
        if (notification is null)
        {
            return ListNotifications.NotificationProblems.NotFound(id);
        }
        var result = await mediator.Send(command(notification.RuleId, userId), cancellationToken);
        if (!result.Found)
        {
            return TypedResults.Problem($"The rule of this notification was deleted, so '{action}' no longer applies.",
                statusCode: StatusCodes.Status409Conflict, title: "Action no longer applies");
        }
        if (result.Refused)
        {
            return TypedResults.Problem(result.Changed, statusCode: StatusCodes.Status409Conflict, title: "Not possible for this rule");
        }
        notification.ActedAt = time.GetUtcNow().UtcDateTime;
        notification.Action = action;
        notification.ReadAt ??= notification.ActedAt;
        await database.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new NotificationActionResult(notification.Id, action, result.Changed, result.State, result.Level));
    }
}
