using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Marks published firings as published, once a second for all of them, instead of one commit per price batch (a
/// commit is a disk sync, the largest cost of storing a batch). A mark lost to a crash costs nothing but a second
/// publication by <see cref="RepublishFiringsJob"/> after its grace period, which adds no notification (they are
/// unique per firing); the grace period is far longer than a second, so no firing is published twice otherwise.
/// </summary>
internal sealed partial class PublishedMarks(IServiceScopeFactory scopes, ILogger<PublishedMarks> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private readonly ConcurrentQueue<Guid> waiting = new();

    public void Add(IEnumerable<Guid> firingIds)
    {
        foreach (var id in firingIds)
        {
            waiting.Enqueue(id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        while (waiting.TryDequeue(out var id))
        {
            ids.Add(id);
        }
        if (ids.Count == 0)
        {
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FiringPublisher>().MarkPublishedAsync(ids, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Kept for the next second; should the process end first, the republish job covers them.
            Add(ids);
            LogNotMarked(ids.Count, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: could not mark {Count} published firing(s) ({Error}); trying again in a second")]
    private partial void LogNotMarked(int count, string error);
}
