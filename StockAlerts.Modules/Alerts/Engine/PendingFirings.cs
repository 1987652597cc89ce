using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Firings the index found but the database could not take (it was away): kept in order and offered again every few
/// seconds, so a crossing seen during a database restart still becomes its one firing. The recorder's conditional
/// update decides, as for any firing; what it refuses is dropped and the rule reloaded.
/// </summary>
internal sealed partial class PendingFirings(IServiceScopeFactory scopes, AlertsMetrics metrics, ILogger<PendingFirings> logger) : BackgroundService
{
    private const int Capacity = 100_000;
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(3);
    private readonly ConcurrentQueue<FiringCandidate> queue = new();
    private DateTime lastWarned = DateTime.MinValue;

    public bool IsEmpty => queue.IsEmpty;

    /// <summary>False when full: the caller reloads the rule instead, as stored.</summary>
    public bool TryAdd(FiringCandidate firing)
    {
        if (queue.Count >= Capacity)
        {
            return false;
        }
        queue.Enqueue(firing);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!queue.IsEmpty)
                {
                    await DrainAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorder = scope.ServiceProvider.GetRequiredService<FiringRecorder>();
        var saved = 0;
        while (!queue.IsEmpty)
        {
            // Only this loop takes from the queue, so the first ones seen here are the first ones out.
            var batch = queue.Take(500).ToList();
            try
            {
                foreach (var firing in await recorder.RecordAsync(batch, cancellationToken))
                {
                    saved++;
                    metrics.Fired(runawayStopped: firing.Reason == RuleStateReasons.Runaway);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Once every 30 s is enough to tell the operator; the loop keeps trying every 3 s.
                if (DateTime.UtcNow - lastWarned > TimeSpan.FromSeconds(30))
                {
                    lastWarned = DateTime.UtcNow;
                    LogStillFailing(queue.Count, exception.GetType().Name);
                }
                break;
            }
            for (var taken = 0; taken < batch.Count; taken++)
            {
                queue.TryDequeue(out _);
            }
        }
        if (saved > 0)
        {
            LogSaved(saved, queue.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: saved {Count} firing(s) that waited for the database; {Left} still waiting")]
    private partial void LogSaved(int count, int left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} firing(s) wait for the database ({Error}); trying again every 3 s")]
    private partial void LogStillFailing(int count, string error);
}
