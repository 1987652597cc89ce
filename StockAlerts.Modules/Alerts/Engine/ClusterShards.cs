using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Keeps this instance's shards in step with the cluster: from the members its latest beat saw it works out its shards;
/// shards it gains are read from the database (<see cref="RuleSync.OwnAsync"/>), shards it loses leave the index.
/// While Redis cannot be reached nothing changes: the instance keeps what it owns rather than drop rules nobody else
/// may have taken (two owners at once cost evaluation twice, which the database's conditional update on each firing
/// absorbs; no owner would cost missed alerts).
/// </summary>
internal sealed partial class ClusterShards(ClusterMembership membership, AlertEngine engine, RuleSync sync, AlertsMetrics metrics, TimeProvider time, ILogger<ClusterShards> logger) : BackgroundService
{
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(10);
    private int left;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveIndex(engine, membership);
        if (!membership.Clustered)
        {
            return;
        }
        await engine.Ready.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(membership.BeatEvery, time);
        IReadOnlyList<string> lastReady = [];
        var departed = new Dictionary<int, string>();
        try
        {
            do
            {
                try
                {
                    lastReady = await FollowAsync(departed, lastReady, stoppingToken) ?? lastReady;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogTurnFailed(exception.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One turn: the shards the latest beat calls for, and the symbols this instance's rules wait on. Answers the ready
    /// members it went by (null when it held still), against which the next turn tells who departed.
    /// </summary>
    private async Task<IReadOnlyList<string>?> FollowAsync(Dictionary<int, string> departed, IReadOnlyList<string> lastReady, CancellationToken stoppingToken)
    {
        if (membership.Latest is not { } latest || time.GetUtcNow() < membership.HoldUntil)
        {
            return null;
        }
        var (ready, all) = latest;
        var shards = Target(membership.Member, ready, all, engine.Owned);
        foreach (var (shard, owner) in DepartedOwners(shards & ~engine.Owned, lastReady, all))
        {
            departed[shard] = owner;
        }
        // Remembered until the take-over succeeds: a retry must still judge the moves since the dead owner's mark.
        if (shards != engine.Owned && await sync.OwnAsync(shards, ready.Count, departed, stoppingToken))
        {
            departed.Clear();
        }
        try
        {
            await membership.PublishSymbolsAsync(engine.SymbolsInUse());
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // The beats say so; the symbols are published again at the next turn.
        }
        return ready;
    }

    /// <summary>
    /// The shards this instance should own: its share among all members, those still joining too (so a cluster started
    /// at once does not have its first ready instance read everything), and of a joiner's share what it owns already,
    /// until the joiner is ready (a join leaves no gap). A joiner that never gets ready leaves when its lease runs out.
    /// </summary>
    public static ulong Target(string member, IReadOnlyCollection<string> ready, IReadOnlyCollection<string> all, ulong owned)
    {
        var target = 0UL;
        for (var shard = 0; shard < Shards.Count; shard++)
        {
            var owner = Shards.OwnerOf(shard, all);
            if (owner == member || (owner is not null && !ready.Contains(owner) && Shards.Contains(owned, shard)))
            {
                target |= 1UL << shard;
            }
        }
        return target;
    }

    /// <summary>Of the shards gained, those whose owner at the last beat is no member any more (it died or left), with that owner.</summary>
    private Dictionary<int, string> DepartedOwners(ulong gained, IReadOnlyList<string> lastReady, IReadOnlyList<string> all)
    {
        var departed = new Dictionary<int, string>();
        foreach (var shard in Shards.In(gained))
        {
            if (Shards.OwnerOf(shard, lastReady) is { } owner && owner != membership.Member && !all.Contains(owner))
            {
                departed[shard] = owner;
            }
        }
        return departed;
    }

    /// <summary>
    /// A stop that says goodbye: leave at once, then keep evaluating until the others say they own this instance's
    /// shards (at most 10 s), so a planned restart leaves no shard without an owner.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Once: a host can be asked to stop twice (its own shutdown and whoever asked for it), and the second ask
        // could otherwise say goodbye again after the first one's host had disposed the Redis connection.
        if (!membership.Clustered || !engine.Ready.IsCompletedSuccessfully || Interlocked.Exchange(ref left, 1) == 1)
        {
            return;
        }
        try
        {
            var mine = engine.Owned;
            await membership.LeaveAsync();
            var deadline = time.GetUtcNow() + HandOverWait;
            while (time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var others = (await membership.OwnersAsync()).Where(owner => owner.Key != membership.Member).ToList();
                if (others.Count == 0)
                {
                    // The last one leaves: nobody to hand over to.
                    return;
                }
                var taken = others.Aggregate(0UL, (all, owner) => all | owner.Value.Shards);
                if ((mine & ~taken) == 0)
                {
                    LogHandedOver(Shards.CountOf(mine));
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            LogLeftUnclaimed(Shards.CountOf(mine));
        }
        catch (Exception exception) when (exception.IsRedisFailure() || exception is OperationCanceledException)
        {
            // The lease runs out instead.
        }
    }



    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: following the cluster's shards failed this turn ({Error}); trying again at the next")]
    private partial void LogTurnFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: left; the other instances took this one's {Shards} shard(s)")]
    private partial void LogHandedOver(int shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: left; no other instance claimed this one's {Shards} shard(s) within 10 s (none running?)")]
    private partial void LogLeftUnclaimed(int shards);
}
