using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Every price batch goes through the index; what it produced is stored by the <see cref="OutcomeWriter"/>, each
/// firing once and then published, while the next batch is judged. A stale feed sets its rules to noData.
/// </summary>
internal sealed partial class EvaluateOnPricesUpdated(AlertEngine engine, ClusterMembership membership, RecentPrices recent, OutcomeWriter writer, AlertsMetrics metrics,
    TimeProvider time, ILogger<EvaluateOnPricesUpdated> logger) :
    INotificationHandler<PricesUpdated>,
    INotificationHandler<PricesWentStale>,
    IQueryHandler<GetSymbolsInUse, IReadOnlyCollection<string>>
{
    public async ValueTask Handle(PricesUpdated notification, CancellationToken cancellationToken)
    {
        await engine.Ready.WaitAsync(cancellationToken);
        if (membership.Clustered)
        {
            recent.Add(notification.Changes);
        }
        // Not waiting for the commit: the caller (a poll, a stream) goes on while the writer stores, and waits only
        // when the writer is far behind.
        await writer.JudgeAsync(stateChanges =>
        {
            using var activity = Telemetry.ActivitySource.StartActivity("alerts.evaluate");
            activity?.SetTag("stockalerts.prices.count", notification.Changes.Count);
            var started = Stopwatch.GetTimestamp();
            var cpuStarted = ThreadCpu.Now();
            var evaluation = engine.Evaluate(notification.Changes, stateChanges);
            metrics.BatchEvaluated(evaluation.RulesEvaluated, Stopwatch.GetElapsedTime(started), ThreadCpu.Since(cpuStarted));
            activity?.SetTag("stockalerts.alerts.rules_evaluated", evaluation.RulesEvaluated);
            activity?.SetTag("stockalerts.alerts.candidates", evaluation.Firings.Count);
            if (engine.FirstEvaluation())
            {
                // How long a start took, as an operator counts it: from the process's start to prices being judged.
                using var process = Process.GetCurrentProcess();
                LogFirstEvaluated(notification.Changes.Count, (time.GetLocalNow().DateTime - process.StartTime).TotalSeconds);
            }
            return new Judged(evaluation.Firings, notification.Changes.Count > 0 ? notification.Changes.Max(change => change.ReceivedAt) : null);
        }, cancellationToken);
    }

    public async ValueTask Handle(PricesWentStale notification, CancellationToken cancellationToken)
    {
        await engine.Ready.WaitAsync(cancellationToken);
        await writer.JudgeAsync(stateChanges =>
        {
            engine.MarkStale(notification.Symbols, stateChanges);
            return new Judged([], null);
        }, cancellationToken);
    }

    /// <summary>In a cluster, every instance's: the poller runs on one of them, and each indexes only its own shards.</summary>
    public async ValueTask<IReadOnlyCollection<string>> Handle(GetSymbolsInUse query, CancellationToken cancellationToken) =>
        await membership.SymbolsInUseAsync(engine.SymbolsInUse());

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: first prices evaluated ({Count} price(s)), {Seconds:0.0} s after the process started")]
    private partial void LogFirstEvaluated(int count, double seconds);
}
