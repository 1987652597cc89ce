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
        foreach (var firing in evaluation.Firings)
        {
            try
            {
                if (await recorder.RecordAsync(firing, cancellationToken))
                {
                    metrics.Fired(runawayStopped: firing.Reason == RuleStateReasons.Runaway);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The index already moved on; put the rule back as stored so the next price can fire it again.
                LogFiringNotSaved(exception, firing.RuleId);
                await sync.ReloadAsync(firing.RuleId);
            }
        }
        if (stateChanges.Count > 0)
        {
            try
            {
                await recorder.RecordStateChangesAsync(stateChanges, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Only the visible state lags; the index holds the truth and the next change writes it.
                LogStateNotSaved(exception, stateChanges.Count);
            }
        }
    }

    public ValueTask<IReadOnlyCollection<string>> Handle(GetSymbolsInUse query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(engine.SymbolsInUse());

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: the firing of rule {RuleId} failed before it was announced; the rule was reloaded as stored")]
    private partial void LogFiringNotSaved(Exception exception, Guid ruleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} rule state change(s) could not be saved")]
    private partial void LogStateNotSaved(Exception exception, int count);
}
