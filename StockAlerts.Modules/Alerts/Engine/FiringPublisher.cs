using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Publishes AlertsTriggered for saved firings; the caller marks them published afterwards. A firing saved but never
/// marked (the process died, or a handler threw) is published again by <see cref="RepublishFiringsJob"/>; the
/// Notifications module stores one notification per firing id, so a second publication adds nothing.
/// </summary>
internal sealed class FiringPublisher(AlertsDbContext database, IMediator mediator, PriceStyles styles, TimeProvider time)
{
    public async Task PublishAsync(IReadOnlyList<(AlertFiringRecord Firing, PublishedRule Rule)> firings, CancellationToken cancellationToken)
    {
        var triggered = new List<AlertTriggered>(firings.Count);
        foreach (var (firing, rule) in firings)
        {
            var style = await styles.ForAsync(firing.Symbol, firing.Price, cancellationToken);
            triggered.Add(new AlertTriggered(
                firing.RuleId, firing.Id, firing.Sequence, firing.UserId, firing.Symbol, firing.Price, firing.ComparedValue,
                RuleMapping.JsonName(rule.ConditionType), Title(rule, firing, style), firing.Message,
                rule.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries),
                rule.WebhookUrl,
                firing.FiredAt));
        }
        await mediator.Publish(new AlertsTriggered(triggered), cancellationToken);
    }

    public async Task MarkPublishedAsync(IReadOnlyList<Guid> firingIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var ids in firingIds.Chunk(1000))
        {
            await database.Firings.Where(row => ids.Contains(row.Id))
                .ExecuteUpdateAsync(row => row.SetProperty(column => column.PublishedAt, now), cancellationToken);
        }
    }

    /// <summary>The rule's name when it has one (the body says what happened), else the symbol and its price as the body writes it.</summary>
    private static string Title(PublishedRule rule, AlertFiringRecord firing, EvaluateAlerts.PriceStyle style) =>
        rule.Name is { Length: > 0 } name ? $"{firing.Symbol}: {name}" : $"{firing.Symbol} {style.Price(firing.Price)}";
}

/// <summary>What publishing a firing needs of its rule, as stored.</summary>
internal sealed record PublishedRule(string? Name, string ConditionType, string Channels, string? WebhookUrl)
{
    public static PublishedRule Of(AlertRuleRecord rule) => new(rule.Name, rule.ConditionType, rule.Channels, rule.WebhookUrl);
}
