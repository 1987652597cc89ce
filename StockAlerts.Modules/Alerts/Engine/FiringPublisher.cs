using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Publishes AlertTriggered for a saved firing and then marks it published. A firing saved but never marked (the
/// process died, or a handler threw) is published again by <see cref="RepublishFiringsJob"/>; the Notifications
/// module stores one notification per firing id, so a second publication adds nothing.
/// </summary>
internal sealed class FiringPublisher(AlertsDbContext database, IMediator mediator, PriceStyles styles, TimeProvider time)
{
    public async Task PublishAsync(AlertFiringRecord firing, AlertRuleRecord rule, CancellationToken cancellationToken)
    {
        var style = await styles.ForAsync(firing.Symbol, firing.Price, cancellationToken);
        await mediator.Publish(new AlertTriggered(
            firing.RuleId, firing.Id, firing.Sequence, firing.UserId, firing.Symbol, firing.Price, firing.ComparedValue,
            RuleMapping.JsonName(rule.ConditionType), Title(rule, firing, style), firing.Message,
            rule.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries),
            rule.WebhookUrl,
            firing.FiredAt), cancellationToken);
        await MarkPublishedAsync(firing.Id, cancellationToken);
    }

    public Task MarkPublishedAsync(Guid firingId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return database.Firings.Where(row => row.Id == firingId)
            .ExecuteUpdateAsync(row => row.SetProperty(column => column.PublishedAt, now), cancellationToken);
    }

    /// <summary>The rule's name when it has one (the body says what happened), else the symbol and its price as the body writes it.</summary>
    private static string Title(AlertRuleRecord rule, AlertFiringRecord firing, EvaluateAlerts.PriceStyle style) =>
        rule.Name is { Length: > 0 } name ? $"{firing.Symbol}: {name}" : $"{firing.Symbol} {style.Price(firing.Price)}";
}
