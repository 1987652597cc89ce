using Microsoft.EntityFrameworkCore;

namespace StockAlerts.Modules.Alerts.Data;

internal static class OwnedRules
{
    /// <summary>The rule if it belongs to the user; another user's rule is not found, like a missing one.</summary>
    public static Task<AlertRuleRecord?> FindOwnedAsync(this IQueryable<AlertRuleRecord> rules, Guid id, string userId, CancellationToken cancellationToken) =>
        rules.SingleOrDefaultAsync(rule => rule.Id == id && rule.UserId == userId, cancellationToken);
}
