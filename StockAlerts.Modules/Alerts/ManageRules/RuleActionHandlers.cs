using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

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
        return ChangeAsync(command.RuleId, command.UserId, RuleStateChanges.Pause(until), rule => $"Snoozed until {until:u}.", cancellationToken);
    }

    public ValueTask<RuleActionResult> Handle(RearmRule command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, RuleStateChanges.Rearm, _ => "Re-armed.", cancellationToken);

    public ValueTask<RuleActionResult> Handle(DisableRule command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, RuleStateChanges.Pause(null), _ => "Disabled (paused until resumed).", cancellationToken);

    public ValueTask<RuleActionResult> Handle(MoveRuleLevel command, CancellationToken cancellationToken) =>
        ChangeAsync(command.RuleId, command.UserId, rule =>
        {
            decimal Move(decimal value) => command.Amount is { } amount ? value + amount : value * (1 + command.Percent!.Value / 100m);
            rule.Level = rule.Level is { } level ? Move(level) : null;
            rule.Lower = rule.Lower is { } lower ? Move(lower) : null;
            rule.Upper = rule.Upper is { } upper ? Move(upper) : null;
            RuleStateChanges.Rearm(rule);
        }, rule => rule.Level is { } level ? $"Level moved to {level}, re-armed." : "Channel moved, re-armed.", cancellationToken);

    private async ValueTask<RuleActionResult> ChangeAsync(Guid ruleId, string userId, Action<AlertRuleRecord> change, Func<AlertRuleRecord, string> describe, CancellationToken cancellationToken)
    {
        var rule = await writer.ChangeOwnedAsync(ruleId, userId, change, cancellationToken);
        if (rule is null)
        {
            return Missing;
        }
        return new RuleActionResult(true, describe(rule), rule.State, rule.Level ?? rule.Lower);
    }
}
