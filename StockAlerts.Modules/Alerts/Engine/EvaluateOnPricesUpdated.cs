using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Every price batch goes through the index; each firing is saved once, then published.</summary>
internal sealed partial class EvaluateOnPricesUpdated(
    AlertEngine engine,
    FiringRecorder recorder,
    RuleSync sync,
    PendingFirings pending,
    AlertsMetrics metrics,
    ILogger<EvaluateOnPricesUpdated> logger) :
    INotificationHandler<PricesUpdated>,
    IQueryHandler<GetSymbolsInUse, IReadOnlyCollection<string>>
{
    public async ValueTask Handle(PricesUpdated notification, CancellationToken cancellationToken)
    {
        await engine.Ready.WaitAsync(cancellationToken);
        using var activity = Telemetry.ActivitySource.StartActivity("alerts.evaluate");
        activity?.SetTag("stockalerts.prices.count", notification.Changes.Count);
        var stateChanges = new List<RuleStateChange>();
        var started = Stopwatch.GetTimestamp();
        var evaluation = engine.Evaluate(notification.Changes, stateChanges);
        metrics.BatchEvaluated(evaluation.RulesEvaluated, Stopwatch.GetElapsedTime(started));
        activity?.SetTag("stockalerts.alerts.rules_evaluated", evaluation.RulesEvaluated);
        activity?.SetTag("stockalerts.alerts.candidates", evaluation.Firings.Count);
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
        foreach (var firing in evaluation.Firings)
        {
            if (!pending.IsEmpty)
            {
                // Keep the order of firings while earlier ones wait for the database.
                Defer(firing);
                continue;
            }
            try
            {
                if (await recorder.RecordAsync(firing, cancellationToken))
                {
                    metrics.Fired(runawayStopped: firing.Reason == RuleStateReasons.Runaway);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFiringDeferred(exception.GetType().Name, firing.RuleId);
                Defer(firing);
            }
        }
    }

    private void Defer(FiringCandidate firing)
    {
        if (!pending.TryAdd(firing))
        {
            // Too many waiting: put the rule back as stored, so a later price can fire it again.
            _ = sync.ReloadAsync(firing.RuleId);
        }
    }

    public ValueTask<IReadOnlyCollection<string>> Handle(GetSymbolsInUse query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(engine.SymbolsInUse());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the firing of rule {RuleId} could not be saved yet ({Error}); it waits and is offered again")]
    private partial void LogFiringDeferred(string error, Guid ruleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} rule state change(s) could not be saved ({Error})")]
    private partial void LogStateNotSaved(string error, int count);
}
