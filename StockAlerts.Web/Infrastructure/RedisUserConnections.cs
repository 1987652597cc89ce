using System.Collections.Concurrent;
using StackExchange.Redis;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// One sorted set per user, of connection ids scored by the moment their lease ends. Each instance renews the leases of
/// its own connections, so the connections of an instance that died without closing them age out on their own. Lease
/// times come from the Redis server's clock, so an instance whose clock runs ahead cannot expire the others' entries.
/// </summary>
internal sealed partial class RedisUserConnections(IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisUserConnections> logger)
    : BackgroundService, IUserConnections
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    // One script, so two instances admitting the same user at once cannot both take the last place.
    private const string AddScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // A plain ZADD: an entry lost while Redis was away comes back; at worst a connection closed meanwhile counts
    // for one more lease.
    private const string RenewScript = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private readonly ConcurrentDictionary<string, string> userByConnection = new();

    public async Task<bool> TryAddAsync(string userId, string connectionId, int limit, CancellationToken cancellationToken)
    {
        bool added;
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(AddScript, [KeyFor(userId)], [connectionId, limit, (long)Lease.TotalMilliseconds]);
            added = (int)result == 1;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Live updates matter more than the cap while Redis is away; the health check reports the outage.
            LogCountingFailed(exception);
            added = true;
        }
        if (added)
        {
            userByConnection[connectionId] = userId;
        }
        return added;
    }

    public async Task RemoveAsync(string userId, string connectionId)
    {
        userByConnection.TryRemove(connectionId, out _);
        try
        {
            await redis.GetDatabase().SortedSetRemoveAsync(KeyFor(userId), connectionId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCountingFailed(exception);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync()
    {
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new List<Task>();
        foreach (var (connectionId, userId) in userByConnection)
        {
            writes.Add(batch.ScriptEvaluateAsync(RenewScript, [KeyFor(userId)], [connectionId, (long)Lease.TotalMilliseconds]));
        }
        batch.Execute();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogCountingFailed(exception);
        }
    }

    private static RedisKey KeyFor(string userId) => $"stockalerts:signalr:connections:{userId}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting live connections in Redis failed; connections are admitted uncounted until it answers")]
    private partial void LogCountingFailed(Exception exception);
}
