using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.ManageRules;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Resumes rules whose snooze has run out (a recurring job, so once across instances).</summary>
internal sealed class ResumeSnoozedRulesJob(AlertsDbContext database, RuleWriter writer, TimeProvider time)
{
    public const string JobId = "alerts:resume-snoozed";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = await database.Rules.Where(rule => rule.Paused && rule.PausedUntil != null && rule.PausedUntil <= now).ToListAsync(cancellationToken);
        foreach (var rule in due)
        {
            RuleStateChanges.Resume(rule);
            await writer.SaveAndIndexAsync(rule, wasLive: true, cancellationToken);
        }
    }
}
