using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Saves what an evaluation produced, whether a price batch, a stale feed or the clock caused it: state changes
/// first, then the firings together, each once; firings the database cannot take yet wait in PendingFirings.
/// </summary>
internal sealed partial class EvaluationOutcomes(
    FiringRecorder recorder,
    RuleSync sync,
    PendingFirings pending,
    AlertsMetrics metrics,
    ILogger<EvaluationOutcomes> logger)
{
    /// <summary>True when every firing so far is stored (none waits): only then may a cluster's mark move past these prices.</summary>
    public async Task<bool> SaveAsync(IReadOnlyList<FiringCandidate> firings, List<RuleStateChange> stateChanges, CancellationToken cancellationToken)
    {
        // States first: a change computed before a firing (noData -> active after a gap) is saved onto the stored
        // version it came from, before the firing moves that version on; saved after, it would be refused.
        if (stateChanges.Count > 0)
        {
            try
            {
                await recorder.RecordStateChangesAsync(stateChanges, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Only the visible state lags; the index holds the truth and the next change writes it.
                LogStateNotSaved(exception.GetType().Name, stateChanges.Count);
            }
        }
        if (firings.Count == 0)
        {
            return pending.IsEmpty;
        }
        if (!pending.IsEmpty)
        {
            // Keep the order of firings while earlier ones wait for the database.
            Defer(firings);
            return false;
        }
        try
        {
            foreach (var firing in await recorder.RecordAsync(firings, cancellationToken))
            {
                metrics.Fired(runawayStopped: firing.Reason == RuleStateReasons.Runaway);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One transaction, so nothing of the batch was saved and all of it waits (had the failure come after the
            // commit, while reloading a rule, the database refuses the saved ones when they are offered again).
            LogFiringsDeferred(exception.GetType().Name, firings.Count);
            Defer(firings);
            return false;
        }
        return pending.IsEmpty;
    }

    private void Defer(IReadOnlyList<FiringCandidate> firings)
    {
        // Too many waiting: those rules go back as stored (one reload for all), so a later price can fire them again.
        var overflow = firings.Where(firing => !pending.TryAdd(firing)).Select(firing => firing.RuleId).Distinct().ToList();
        if (overflow.Count > 0)
        {
            _ = sync.ReloadAsync(overflow);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} firing(s) could not be saved yet ({Error}); they wait and are offered again")]
    private partial void LogFiringsDeferred(string error, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} rule state change(s) could not be saved ({Error})")]
    private partial void LogStateNotSaved(string error, int count);
}
