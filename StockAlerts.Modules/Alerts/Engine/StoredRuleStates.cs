using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Saves the visible states (pending, noData, expired, ...) the index changed without a firing.</summary>
internal static class StoredRuleStates
{
    public static async Task SaveAsync(AlertsDbContext database, IReadOnlyList<RuleStateChange> stateChanges, CancellationToken cancellationToken)
    {
        // A change is saved only onto the stored version it was computed from: a memory that missed a firing or an
        // edit made elsewhere must not write over it (a fired once-rule shown "active" again would fire again once
        // reloaded). Version and UpdatedAt stay: these changes came from the index and tell no one to reload.
        // One update per state and version: a stale feed turns a whole symbol's rules to noData at once.
        var latest = stateChanges.GroupBy(change => change.RuleId).Select(group => group.Last());
        foreach (var group in latest.GroupBy(change => (change.State, change.Reason, change.StoredVersion)))
        {
            var state = RuleMapping.StateName(group.Key.State);
            var reason = group.Key.Reason;
            var version = group.Key.StoredVersion;
            // A re-arm by price or time is what lets a fired "once" rule fire again: the database records it too.
            var rearmed = reason is RuleStateReasons.RearmedByPrice or RuleStateReasons.RearmedByTime;
            foreach (var ids in group.Select(change => change.RuleId).Chunk(1000))
            {
                var rows = database.Rules.Where(rule => ids.Contains(rule.Id) && rule.Version == version);
                if (rearmed)
                {
                    await rows.ExecuteUpdateAsync(rule => rule
                        .SetProperty(column => column.State, state)
                        .SetProperty(column => column.StateReason, reason)
                        .SetProperty(column => column.ArmedAtFireCount, column => column.FireCount), cancellationToken);
                }
                else
                {
                    await rows.ExecuteUpdateAsync(rule => rule
                        .SetProperty(column => column.State, state)
                        .SetProperty(column => column.StateReason, reason), cancellationToken);
                }
            }
        }
    }
}
