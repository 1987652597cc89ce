using System.Diagnostics;
using Mediator;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Every price batch goes through the index; each firing is saved once, then published. A stale feed sets its rules to noData.</summary>
internal sealed class EvaluateOnPricesUpdated(AlertEngine engine, ClusterMembership membership, RecentPrices recent, EvaluationOutcomes outcomes, AlertsMetrics metrics) :
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
        using var activity = Telemetry.ActivitySource.StartActivity("alerts.evaluate");
        activity?.SetTag("stockalerts.prices.count", notification.Changes.Count);
        var stateChanges = new List<RuleStateChange>();
        var started = Stopwatch.GetTimestamp();
        var cpuStarted = ThreadCpu.Now();
        var evaluation = engine.Evaluate(notification.Changes, stateChanges);
        metrics.BatchEvaluated(evaluation.RulesEvaluated, Stopwatch.GetElapsedTime(started), ThreadCpu.Since(cpuStarted));
        activity?.SetTag("stockalerts.alerts.rules_evaluated", evaluation.RulesEvaluated);
        activity?.SetTag("stockalerts.alerts.candidates", evaluation.Firings.Count);
        // The mark says "judged and stored up to here": not while firings wait for the database.
        if (await outcomes.SaveAsync(evaluation.Firings, stateChanges, cancellationToken) && notification.Changes.Count > 0)
        {
            membership.Mark(notification.Changes.Max(change => change.ReceivedAt));
        }
    }

    public async ValueTask Handle(PricesWentStale notification, CancellationToken cancellationToken)
    {
        await engine.Ready.WaitAsync(cancellationToken);
        var stateChanges = new List<RuleStateChange>();
        engine.MarkStale(notification.Symbols, stateChanges);
        await outcomes.SaveAsync([], stateChanges, cancellationToken);
    }

    /// <summary>In a cluster, every instance's: the poller runs on one of them, and each indexes only its own shards.</summary>
    public async ValueTask<IReadOnlyCollection<string>> Handle(GetSymbolsInUse query, CancellationToken cancellationToken) =>
        await membership.SymbolsInUseAsync(engine.SymbolsInUse());
}
