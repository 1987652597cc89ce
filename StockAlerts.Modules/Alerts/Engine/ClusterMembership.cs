using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// This instance's place in a cluster, kept in Redis: a lease renewed every beat (an instance that stops renewing is
/// gone once it runs out), "ready" once its index serves, the shards it owns, and the symbols its rules wait on (for
/// the poller on whichever instance runs it). Redis's own clock times the leases, so the instances' clocks need not
/// agree. The beats run on their own loop from the moment the instance joins, so a long read of rules (the index
/// build, a hand-over) never lets the lease run out. Without Redis there is no cluster: the one process owns every shard.
/// </summary>
internal sealed partial class ClusterMembership(IServiceProvider services, IOptions<AlertsOptions> options, TimeProvider time, ILogger<ClusterMembership> logger) : IAsyncDisposable
{
    private const string Prefix = "stockalerts:cluster:";
    private static readonly RedisKey[] Keys = [Prefix + "members", Prefix + "ready", Prefix + "owned"];
    private static readonly RedisKey JoinTurnKey = Prefix + "joining";

    // Leases are scored by Redis's TIME in milliseconds; expired members leave all three keys in the same step.
    private static readonly LuaScript Beat = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
          redis.call('HDEL', KEYS[3], gone)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        if ARGV[3] == '1' then
          redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
          redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
        end
        return {redis.call('ZRANGE', KEYS[2], 0, -1), redis.call('ZRANGE', KEYS[1], 0, -1)}
        """);

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private readonly CancellationTokenSource stopping = new();
    private HashSet<string> publishedSymbols = [];
    private Task beating = Task.CompletedTask;

    /// <summary>How many names a joining instance weighs to even out the shares (see <see cref="Shards.MostEven"/>).</summary>
    private const int NameCandidates = 64;

    /// <summary>Unique per process: a restarted instance joins as a new member. Chosen when it joins.</summary>
    public string Member { get; private set; } = NewName();

    public bool Clustered => redis is not null;

    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.InstanceLeaseSeconds);

    /// <summary>A beat comes five times per lease, so two missed beats still leave the lease standing.</summary>
    public TimeSpan BeatEvery => Lease / 5;

    /// <summary>The ready members at the last beat that reached Redis (none before any).</summary>
    public IReadOnlyList<string> Members => Latest?.Ready ?? [];

    /// <summary>The ready members and all members (those joining too) at the last beat that reached Redis.</summary>
    public (IReadOnlyList<string> Ready, IReadOnlyList<string> All)? Latest { get; private set; }

    /// <summary>
    /// After Redis was away the others' leases ran out too: shards stay as they are until this time, while every
    /// instance beats again, rather than this one take (and read) every shard because it beat first.
    /// </summary>
    public DateTimeOffset HoldUntil { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// Joins as a member that is not ready yet and beats from now on with what <paramref name="state"/> says (ready,
    /// the shards whose rules are read, how many rules). Answers the first beat's members, or null when Redis cannot
    /// be reached (the beats go on trying).
    /// </summary>
    public async Task<(IReadOnlyList<string> Ready, IReadOnlyList<string> All)?> JoinAsync(Func<(bool Ready, ulong Shards, int Rules)> state, IReadOnlyList<long> rulesPerShard)
    {
        (IReadOnlyList<string>, IReadOnlyList<string>)? first = null;
        try
        {
            var database = redis!.GetDatabase();
            // Joiners take turns between seeing the members and the first beat (milliseconds each, the lock lapses
            // after 2 s), so instances started together each choose seeing the ones before.
            var turn = Guid.NewGuid().ToString("N");
            for (var attempt = 0; attempt < 40 && !await database.LockTakeAsync(JoinTurnKey, turn, TimeSpan.FromSeconds(2)); attempt++)
            {
                await Task.Delay(50);
            }
            try
            {
                // Members whose lease ran out may still be listed until the next beat removes them: a small misjudgement at worst.
                var others = (await database.SortedSetRangeByRankAsync(Keys[0])).Select(member => (string)member!).ToList();
                Member = Shards.MostEven(others, Enumerable.Range(0, NameCandidates).Select(_ => NewName()).ToList(), rulesPerShard);
                var (ready, shards, rules) = state();
                first = await BeatAsync(ready, shards, rules);
            }
            finally
            {
                await database.LockReleaseAsync(JoinTurnKey, turn);
            }
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            LogUnreachable(exception.GetType().Name);
        }
        beating = Task.Run(() => BeatLoopAsync(state, reachable: first is not null));
        return first;
    }

    private async Task BeatLoopAsync(Func<(bool Ready, ulong Shards, int Rules)> state, bool reachable)
    {
        using var timer = new PeriodicTimer(BeatEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    var (ready, shards, rules) = state();
                    var members = await BeatAsync(ready, shards, rules);
                    if (!reachable)
                    {
                        HoldUntil = time.GetUtcNow() + Lease;
                        LogReachable(members.Ready.Count);
                        reachable = true;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Whatever a beat meets (a timeout is no RedisException), the beats go on: a loop that died
                    // would drop this instance from the cluster for good.
                    if (reachable)
                    {
                        LogUnreachable(exception.GetType().Name);
                        reachable = false;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Renews the lease (and, once <paramref name="ready"/>, the place among the members that own shards) and answers
    /// the ready members and all members (those still joining too), in name order. Throws a <see cref="RedisException"/>
    /// when Redis cannot be reached.
    /// </summary>
    private async Task<(IReadOnlyList<string> Ready, IReadOnlyList<string> All)> BeatAsync(bool ready, ulong owned, int rules)
    {
        var result = (RedisResult[])(await redis!.GetDatabase().ScriptEvaluateAsync(Beat.ExecutableScript, Keys,
            [Member, (long)Lease.TotalMilliseconds, ready ? "1" : "0", $"{owned:x16};{rules}"]))!;
        static List<string> Names(RedisResult list) => ((RedisResult[])list!).Select(member => (string)member!).Order(StringComparer.Ordinal).ToList();
        (IReadOnlyList<string> Ready, IReadOnlyList<string> All) members = (Names(result[0]), Names(result[1]));
        Latest = members;
        return members;
    }

    public async ValueTask DisposeAsync() => await StopBeatingAsync();

    private static string NewName() => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Leaves at once (a stop that says goodbye), so the others take this one's shards without waiting for the lease.</summary>
    public async Task LeaveAsync()
    {
        await StopBeatingAsync();
        var database = redis!.GetDatabase();
        await database.SortedSetRemoveAsync(Keys[1], Member);
        await database.SortedSetRemoveAsync(Keys[0], Member);
        await database.HashDeleteAsync(Keys[2], Member);
        await database.KeyDeleteAsync(SymbolsKey(Member));
    }

    private async Task StopBeatingAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync();
        }
        await beating;
    }

    /// <summary>Each ready member's shards and rule count, as it last said.</summary>
    public async Task<IReadOnlyDictionary<string, (ulong Shards, int Rules)>> OwnersAsync()
    {
        var owners = new Dictionary<string, (ulong, int)>(StringComparer.Ordinal);
        foreach (var entry in await redis!.GetDatabase().HashGetAllAsync(Keys[2]))
        {
            var parts = ((string)entry.Value!).Split(';');
            if (parts.Length == 2 && ulong.TryParse(parts[0], System.Globalization.NumberStyles.HexNumber, null, out var shards) && int.TryParse(parts[1], out var rules))
            {
                owners[(string)entry.Name!] = (shards, rules);
            }
        }
        return owners;
    }

    /// <summary>
    /// Says which symbols this instance's rules wait on (written only when they changed, kept alive every beat for
    /// three leases, at least 30 s, so a dead owner's symbols are still polled while its shards move).
    /// </summary>
    public async Task PublishSymbolsAsync(IReadOnlyCollection<string> symbols)
    {
        var database = redis!.GetDatabase();
        var key = SymbolsKey(Member);
        var keep = TimeSpan.FromSeconds(Math.Max(30, 3 * Lease.TotalSeconds));
        if (!publishedSymbols.SetEquals(symbols))
        {
            var transaction = database.CreateTransaction();
            _ = transaction.KeyDeleteAsync(key);
            if (symbols.Count > 0)
            {
                _ = transaction.SetAddAsync(key, symbols.Select(symbol => (RedisValue)symbol).ToArray());
            }
            _ = transaction.KeyExpireAsync(key, keep);
            await transaction.ExecuteAsync();
            publishedSymbols = symbols.ToHashSet(StringComparer.Ordinal);
            return;
        }
        await database.KeyExpireAsync(key, keep);
    }

    /// <summary>The symbols any instance's rules wait on: this one's and what the others last said.</summary>
    public async Task<IReadOnlyCollection<string>> SymbolsInUseAsync(IReadOnlyCollection<string> local)
    {
        if (redis is null)
        {
            return local;
        }
        try
        {
            var database = redis.GetDatabase();
            var others = (await database.SortedSetRangeByRankAsync(Keys[0])).Select(member => (string)member!).Where(member => member != Member).ToList();
            if (others.Count == 0)
            {
                return local;
            }
            var union = await database.SetCombineAsync(SetOperation.Union, others.Select(SymbolsKey).ToArray());
            return local.Concat(union.Select(symbol => (string)symbol!)).Distinct(StringComparer.Ordinal).ToList();
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // Polling goes on for this instance's own symbols; the others' come back with Redis.
            return local;
        }
    }

    /// <summary>
    /// Says that every price received up to <paramref name="receivedAt"/> has been judged here and its firings stored
    /// (written after each batch, so an instance that takes over this one's shards knows where to start judging).
    /// </summary>
    public void Mark(DateTime receivedAt)
    {
        if (redis is null)
        {
            return;
        }
        try
        {
            redis.GetDatabase().StringSet(MarkKey(Member), receivedAt.Ticks, TimeSpan.FromMinutes(1), flags: CommandFlags.FireAndForget);
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // Without Redis no shard moves either.
        }
    }

    /// <summary>The marks of these members (those still kept: a minute after their last).</summary>
    public async Task<Dictionary<string, DateTime>> MarksAsync(IEnumerable<string> members)
    {
        var marks = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var database = redis!.GetDatabase();
        foreach (var member in members)
        {
            if (await database.StringGetAsync(MarkKey(member)) is { HasValue: true } value && long.TryParse(value.ToString(), out var ticks))
            {
                marks[member] = new DateTime(ticks, DateTimeKind.Utc);
            }
        }
        return marks;
    }

    private static RedisKey MarkKey(string member) => Prefix + "mark:" + member;

    private static RedisKey SymbolsKey(string member) => Prefix + "symbols:" + member;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: Redis cannot be reached ({Error}); this instance keeps the shards it owns until it can")]
    private partial void LogUnreachable(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: Redis reached again; {Members} ready instance(s) so far, shards stay as they are for one lease")]
    private partial void LogReachable(int members);
}
