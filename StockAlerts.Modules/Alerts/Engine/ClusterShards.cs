using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Keeps this instance's shards in step with the cluster. Every beat renews its lease, reads the ready members and
/// works out its shards; shards it gains are read from the database (<see cref="RuleSync.OwnAsync"/>), shards it
/// loses leave the index. A beat that cannot reach Redis changes nothing: the instance keeps what it owns rather
/// than drop rules nobody else may have taken (two owners at once cost evaluation twice, which the database's
/// conditional update on each firing absorbs; no owner would cost missed alerts).
/// </summary>
internal sealed partial class ClusterShards(ClusterMembership membership, AlertEngine engine, RuleSync sync, AlertsMetrics metrics, TimeProvider time, ILogger<ClusterShards> logger) : BackgroundService
{
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveIndex(engine, membership);
        if (!membership.Clustered)
        {
            return;
        }
        await engine.Ready.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(membership.BeatEvery, time);
        var reachable = true;
        try
        {
            do
            {
                try
                {
                    var members = await membership.BeatAsync(ready: true, engine.Owned, engine.Count);
                    if (!reachable)
                    {
                        LogReachable(members.Count);
                        reachable = true;
                    }
                    var shards = Shards.OwnedBy(membership.Member, members);
                    if (shards != engine.Owned)
                    {
                        await sync.OwnAsync(shards, members.Count, stoppingToken);
                    }
                    await membership.PublishSymbolsAsync(engine.SymbolsInUse());
                }
                catch (RedisException exception)
                {
                    if (reachable)
                    {
                        LogUnreachable(exception.GetType().Name, Shards.CountOf(engine.Owned));
                        reachable = false;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A stop that says goodbye: leave at once, then keep evaluating until the others say they own this instance's
    /// shards (at most 10 s), so a planned restart leaves no shard without an owner.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!membership.Clustered || !engine.Ready.IsCompletedSuccessfully)
        {
            return;
        }
        try
        {
            var mine = engine.Owned;
            await membership.LeaveAsync();
            if (membership.Members.All(member => member == membership.Member))
            {
                return;
            }
            var deadline = time.GetUtcNow() + HandOverWait;
            while (time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var taken = (await membership.OwnersAsync()).Where(owner => owner.Key != membership.Member).Aggregate(0UL, (all, owner) => all | owner.Value.Shards);
                if ((mine & ~taken) == 0)
                {
                    LogHandedOver(Shards.CountOf(mine));
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            LogLeftUnclaimed(Shards.CountOf(mine));
        }
        catch (Exception exception) when (exception is RedisException or OperationCanceledException)
        {
            // The lease runs out instead.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: Redis cannot be reached ({Error}); keeping the {Shards} shard(s) this instance owns until it can")]
    private partial void LogUnreachable(string error, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: Redis reached again; {Members} ready instance(s)")]
    private partial void LogReachable(int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: left; the other instances took this one's {Shards} shard(s)")]
    private partial void LogHandedOver(int shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: left; no other instance claimed this one's {Shards} shard(s) within 10 s (none running?)")]
    private partial void LogLeftUnclaimed(int shards);
}
