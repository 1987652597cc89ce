using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>The rule side of a notification's actions, and the webhook lookup for deliveries.</summary>
internal sealed class RuleActionHandlers(AlertsDbContext database, RuleWriter writer, TimeProvider time) :
    IQueryHandler<GetRuleWebhook, AlertWebhook?>,
    ICommandHandler<SnoozeRule, RuleActionResult>,
    ICommandHandler<RearmRule, RuleActionResult>,
    ICommandHandler<DisableRule, RuleActionResult>,
    ICommandHandler<MoveRuleLevel, RuleActionResult>
{
    private static readonly RuleActionResult Missing = new(false, "The rule no longer exists.", null, null);

    public async ValueTask<AlertWebhook?> Handle(GetRuleWebhook query, CancellationToken cancellationToken)
    {
        var rule = await database.Rules.AsNoTracking().FindOwnedAsync(query.RuleId, query.UserId, cancellationToken);
        return rule is { WebhookUrl: { } url, WebhookSecret: { } secret } ? new AlertWebhook(url, secret) : null;
    }

    public ValueTask<RuleActionResult> Handle(SnoozeRule command, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow().UtcDateTime + command.Duration;
        return ChangeAsync(command.RuleId, command.UserId, Always(RuleStateChanges.Pause(until)), rule => $"Snoozed until {until:u}.", cancellationToken);
    }

    public ValueTask<RuleActionResult> Handle(RearmRule command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, Always(RuleStateChanges.Rearm), _ => "Re-armed.", cancellationToken);

    public ValueTask<RuleActionResult> Handle(DisableRule command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, Always(RuleStateChanges.Pause(null)), _ => "Disabled (paused until resumed).", cancellationToken);

    public ValueTask<RuleActionResult> Handle(MoveRuleLevel command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, rule => MoveLevel(rule, command),
            rule => rule.Level is { } level ? $"Level moved to {level.Normalize()}, re-armed." : $"Channel moved to {rule.Lower?.Normalize()}–{rule.Upper?.Normalize()}, re-armed.", cancellationToken);

    /// <summary>
    /// Moves the level, or both edges of a channel, and re-arms; refused with the reason when the rule has no level
    /// (a window, trailing or step rule) or the result is not a price a rule could be created with.
    /// </summary>
    private static string? MoveLevel(AlertRuleRecord rule, MoveRuleLevel command)
    {
        if (rule.Level is null && rule.Lower is null)
        {
            return $"A {RuleMapping.JsonName(rule.ConditionType)} rule has no level to move; edit the rule instead.";
        }
        decimal? Move(decimal? value) => value is not { } current ? null
            : command.Amount is { } amount ? current + amount
            : current * (1 + command.Percent!.Value / 100m);
        var (level, lower, upper) = (Move(rule.Level), Move(rule.Lower), Move(rule.Upper));
        if (new[] { level, lower, upper }.Any(moved => moved is <= 0 or >= AlertRuleRequestValidator.MaxPrice))
        {
            return $"That would move the level to {(level ?? lower)!.Value.Normalize()}; a level must be above 0 and below {AlertRuleRequestValidator.MaxPrice:0}.";
        }
        (rule.Level, rule.Lower, rule.Upper) = (level, lower, upper);
        RuleStateChanges.Rearm(rule);
        return null;
    }

    private static Func<AlertRuleRecord, string?> Always(Action<AlertRuleRecord> change) => rule =>
    {
        change(rule);
        return null;
    };

    private async ValueTask<RuleActionResult> ChangeAsync(Guid ruleId, string userId, Func<AlertRuleRecord, string?> change, Func<AlertRuleRecord, string> describe, CancellationToken cancellationToken)
    {
        var (rule, refused) = await writer.ChangeOwnedAsync(ruleId, userId, change, cancellationToken);
        if (refused is not null)
        {
            return new RuleActionResult(true, refused.ProblemDetails.Detail ?? "Refused.", null, null, Refused: true);
        }
        return rule is null ? Missing : new RuleActionResult(true, describe(rule), rule.State, rule.Level ?? rule.Lower);
    }
}
