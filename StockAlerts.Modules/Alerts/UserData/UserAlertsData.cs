using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Alerts.UserData;

/// <summary>A user's rules and firings: exported on request, erased with the account (the index and other instances follow).</summary>
internal sealed class UserAlertsData(AlertsDbContext database, AlertEngine engine, RuleChangeBus bus) :
    INotificationHandler<UserDataErasing>,
    IQueryHandler<ExportUserAlerts, UserAlertsExport>
{
    public async ValueTask Handle(UserDataErasing notification, CancellationToken cancellationToken)
    {
        var ruleIds = await database.Rules.Where(rule => rule.UserId == notification.UserId).Select(rule => rule.Id).ToListAsync(cancellationToken);
        await database.Firings.Where(firing => firing.UserId == notification.UserId).ExecuteDeleteAsync(cancellationToken);
        await database.Rules.Where(rule => rule.UserId == notification.UserId).ExecuteDeleteAsync(cancellationToken);
        foreach (var ruleId in ruleIds)
        {
            engine.Remove(ruleId);
            await bus.PublishAsync(ruleId);
        }
    }

    public async ValueTask<UserAlertsExport> Handle(ExportUserAlerts query, CancellationToken cancellationToken)
    {
        var rules = await database.Rules.AsNoTracking().Where(rule => rule.UserId == query.UserId).OrderBy(rule => rule.CreatedAt).ToListAsync(cancellationToken);
        var firings = await database.Firings.AsNoTracking().Where(firing => firing.UserId == query.UserId).OrderBy(firing => firing.FiredAt)
            .Select(firing => new ExportedFiring(firing.Id, firing.RuleId, firing.Sequence, firing.Symbol, firing.Price, firing.Message, firing.FiredAt))
            .ToListAsync(cancellationToken);
        return new UserAlertsExport(rules.Select(rule => new ExportedRule(
            rule.Id, rule.Symbol, rule.Name, ApiNames.Name(rule.ConditionType), rule.Level, rule.Lower, rule.Upper, rule.Amount, rule.Percent, rule.WindowMinutes,
            rule.Reference is null ? null : ApiNames.Name(rule.Reference), rule.ReferencePrice, ApiNames.Name(rule.FrequencyType), rule.CooldownSeconds, rule.MaxFires,
            rule.ExpiresAt, rule.TimeZone, rule.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries), rule.WebhookUrl, rule.MessageTemplate, rule.State,
            rule.FireCount, rule.LastFiredAt, rule.CreatedAt, rule.UpdatedAt)
        {
            ConditionDetail = rule.ConditionJson is { } json ? StoredConditions.Describe(json) : null,
        }).ToList(), firings);
    }
}
