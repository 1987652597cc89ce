using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Saves the visible states (pending, noData, expired, ...) the index changed without a firing.</summary>
internal static class StoredRuleStates
{
    public static async Task SaveAsync(AlertsDbContext database, IReadOnlyList<RuleStateChange> stateChanges, CancellationToken cancellationToken)
    {
        // UpdatedAt stays: it tells the reconcile to reload a rule, and these changes came from this index itself.
        // One update per distinct state: a stale feed turns a whole symbol's rules to noData at once.
        var latest = stateChanges.GroupBy(change => change.RuleId).Select(group => group.Last());
        foreach (var group in latest.GroupBy(change => (change.State, change.Reason)))
        {
            var state = RuleMapping.StateName(group.Key.State);
            var reason = group.Key.Reason;
            foreach (var ids in group.Select(change => change.RuleId).Chunk(1000))
            {
                await database.Rules.Where(rule => ids.Contains(rule.Id))
                    .ExecuteUpdateAsync(rule => rule
                        .SetProperty(column => column.State, state)
                        .SetProperty(column => column.StateReason, reason), cancellationToken);
            }
        }
    }
}
