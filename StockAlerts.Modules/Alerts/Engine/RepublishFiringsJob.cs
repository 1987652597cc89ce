using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Finds firings saved more than a grace period ago but never marked published, and publishes them again (oldest
/// first, up to a day back: an alert a day late is history, not news).
/// </summary>
internal sealed partial class RepublishFiringsJob(AlertsDbContext database, FiringPublisher publisher, TimeProvider time, ILogger<RepublishFiringsJob> logger)
{
    public const string JobId = "alerts:republish-firings";

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var before = now - Grace;
        var after = now - Horizon;
        var lost = await database.Firings.AsNoTracking()
            .Where(firing => firing.PublishedAt == null && firing.FiredAt < before && firing.FiredAt > after)
            .OrderBy(firing => firing.FiredAt)
            .Take(200)
            .ToListAsync(cancellationToken);
        var ruleIds = lost.Select(firing => firing.RuleId).Distinct().ToList();
        var rules = await database.Rules.AsNoTracking().Where(rule => ruleIds.Contains(rule.Id)).ToDictionaryAsync(rule => rule.Id, cancellationToken);
        // Deleted since: nobody is left to tell, and the firing stays in the history.
        await publisher.MarkPublishedAsync(lost.Where(firing => !rules.ContainsKey(firing.RuleId)).Select(firing => firing.Id).ToList(), cancellationToken);
        var found = lost.Where(firing => rules.ContainsKey(firing.RuleId)).ToList();
        if (found.Count == 0)
        {
            return;
        }
        LogRepublishing(found.Count, found[0].FiredAt);
        try
        {
            await publisher.PublishAsync(found.Select(firing => (firing, PublishedRule.Of(rules[firing.RuleId]))).ToList(), cancellationToken);
            await publisher.MarkPublishedAsync(found.Select(firing => firing.Id).ToList(), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One firing that keeps failing must not hold back the others: each on its own, then.
            foreach (var firing in found)
            {
                try
                {
                    await publisher.PublishAsync([(firing, PublishedRule.Of(rules[firing.RuleId]))], cancellationToken);
                    await publisher.MarkPublishedAsync([firing.Id], cancellationToken);
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    LogRepublishFailed(single, firing.Id);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} firing(s) were saved but never published (the oldest at {FiredAt:o}); publishing them now")]
    private partial void LogRepublishing(int count, DateTime firedAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: publishing firing {FiringId} failed again; the next run retries it")]
    private partial void LogRepublishFailed(Exception exception, Guid firingId);
}
