using System.Diagnostics.Metrics;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts;

internal sealed class AlertsMetrics(Telemetry telemetry)
{
    private readonly Counter<long> rulesEvaluated = telemetry.Meter.CreateCounter<long>(
        "stockalerts.alerts.rules.evaluated", "{rule}", "Rules the index evaluated against a price (rules it could skip are not counted).");

    private readonly Histogram<double> evaluationDuration = telemetry.Meter.CreateHistogram(
        "stockalerts.alerts.evaluation.duration", "s", "Time the rule index took for one price batch, waiting for its lock included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });

    private readonly Counter<double> evaluationCpu = telemetry.Meter.CreateCounter<double>(
        "stockalerts.alerts.evaluation.cpu", "s",
        "CPU time the evaluating thread spent on price batches: unlike the duration, not the time it waited for a core (Linux only).");

    private readonly Counter<long> firings = telemetry.Meter.CreateCounter<long>(
        "stockalerts.alerts.firings", "{firing}", "Firings saved (each one once, however many instances saw it).");

    private readonly Histogram<double> storeDelay = telemetry.Meter.CreateHistogram(
        "stockalerts.alerts.store.delay", "s",
        "From a price batch judged to what it produced stored (firings committed and published, states saved): the wait in the alerts' writer and its commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private readonly Counter<long> runawayStops = telemetry.Meter.CreateCounter<long>(
        "stockalerts.alerts.runaway_stops", "{rule}", "Rules paused for firing more than 15 times in 3 minutes.");

    /// <summary>The index and this instance's share of a cluster as gauges.</summary>
    public void ObserveIndex(AlertEngine engine, ClusterMembership membership)
    {
        telemetry.Meter.CreateObservableGauge("stockalerts.alerts.rules.indexed", () => engine.Count,
            "{rule}", "Rules in this instance's index (in a cluster, those of the shards it owns).");
        telemetry.Meter.CreateObservableGauge("stockalerts.alerts.cluster.owned_shards", () => Shards.CountOf(engine.Owned),
            "{shard}", "Shards of the symbol space (of 64) whose rules this instance evaluates.");
        telemetry.Meter.CreateObservableGauge("stockalerts.alerts.cluster.instances", () => Math.Max(1, membership.Members.Count),
            "{instance}", "Ready instances sharing the shards, as this one last saw them (1 without Redis).");
    }

    /// <summary>How many judged outcomes wait for the alerts' writer.</summary>
    public void ObserveWriter(Func<int> waiting) =>
        telemetry.Meter.CreateObservableGauge("stockalerts.alerts.store.waiting", waiting,
            "{batch}", "Judged outcomes (price batches, clock ticks) waiting for the alerts' writer; at 256 the feed waits.");

    public void Stored(TimeSpan delay) => storeDelay.Record(delay.TotalSeconds);

    public void BatchEvaluated(long rules, TimeSpan duration, double? cpuSeconds)
    {
        rulesEvaluated.Add(rules);
        evaluationDuration.Record(duration.TotalSeconds);
        if (cpuSeconds is { } cpu)
        {
            evaluationCpu.Add(cpu);
        }
    }

    public void Fired(bool runawayStopped)
    {
        firings.Add(1);
        if (runawayStopped)
        {
            runawayStops.Add(1);
        }
    }
}
