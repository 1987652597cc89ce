using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// This instance's place in a cluster, kept in Redis: a lease renewed every beat (an instance that stops renewing is
/// gone once it runs out), "ready" once its index serves, the shards it owns, and the symbols its rules wait on (for
/// the poller on whichever instance runs it). Redis's own clock times the leases, so the instances' clocks need not
/// agree. Without Redis there is no cluster: the one process owns every shard.
/// </summary>
internal sealed class ClusterMembership(IServiceProvider services, IOptions<AlertsOptions> options)
{
    private const string Prefix = "stockalerts:cluster:";
    private static readonly RedisKey[] Keys = [Prefix + "members", Prefix + "ready", Prefix + "owned"];

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
        return redis.call('ZRANGE', KEYS[2], 0, -1)
        """);

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private HashSet<string> publishedSymbols = [];

    /// <summary>Unique per process: a restarted instance joins as a new member.</summary>
    public string Member { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public bool Clustered => redis is not null;

    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.InstanceLeaseSeconds);

    /// <summary>A beat comes five times per lease, so two missed beats still leave the lease standing.</summary>
    public TimeSpan BeatEvery => Lease / 5;

    /// <summary>The ready members at the last beat that reached Redis (this one alone before any).</summary>
    public IReadOnlyList<string> Members { get; private set; } = [];

    /// <summary>
    /// Renews the lease (and, once <paramref name="ready"/>, the place among the members that own shards) and answers
    /// the ready members, in name order. Throws a <see cref="RedisException"/> when Redis cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<string>> BeatAsync(bool ready, ulong owned, int rules)
    {
        var result = await redis!.GetDatabase().ScriptEvaluateAsync(Beat.ExecutableScript, Keys,
            [Member, (long)Lease.TotalMilliseconds, ready ? "1" : "0", $"{owned:x16};{rules}"]);
        var members = ((RedisResult[])result!).Select(member => (string)member!).Order(StringComparer.Ordinal).ToList();
        Members = members;
        return members;
    }

    /// <summary>Leaves at once (a stop that says goodbye), so the others take this one's shards without waiting for the lease.</summary>
    public async Task LeaveAsync()
    {
        var database = redis!.GetDatabase();
        await database.SortedSetRemoveAsync(Keys[1], Member);
        await database.SortedSetRemoveAsync(Keys[0], Member);
        await database.HashDeleteAsync(Keys[2], Member);
        await database.KeyDeleteAsync(SymbolsKey(Member));
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
        catch (RedisException)
        {
            // Polling goes on for this instance's own symbols; the others' come back with Redis.
            return local;
        }
    }

    private static RedisKey SymbolsKey(string member) => Prefix + "symbols:" + member;
}
