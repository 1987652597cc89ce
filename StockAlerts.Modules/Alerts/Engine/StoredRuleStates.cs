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
        foreach (var change in stateChanges.GroupBy(change => change.RuleId).Select(group => group.Last()))
        {
            var state = RuleMapping.StateName(change.State);
            await database.Rules.Where(rule => rule.Id == change.RuleId)
                .ExecuteUpdateAsync(rule => rule
                    .SetProperty(column => column.State, state)
                    .SetProperty(column => column.StateReason, change.Reason), cancellationToken);
        }
    }
}
