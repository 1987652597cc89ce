using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Notifications.Data;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// The deliveries a push service or webhook accepted, kept for a day apart from the database. When the database goes
/// away between a send and the save of its row, the row stays claimed and another run takes it again after the claim
/// lease; this memo lets that run record it as sent instead of sending it a second time. In Redis when there is one
/// (any instance may take the row again), and in this process's memory.
/// </summary>
internal sealed class SentMemo(IServiceProvider services, TimeProvider time)
{
    private static readonly TimeSpan Keep = TimeSpan.FromDays(1);
    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private readonly ConcurrentDictionary<Guid, (DateTime At, string Receipt)> local = new();
    private DateTime lastPruned;

    public async Task RememberAsync(IEnumerable<DeliveryRecord> deliveries, string? receipt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ids = deliveries.Select(delivery => delivery.Id).ToList();
        foreach (var id in ids)
        {
            local[id] = (now, receipt ?? "");
        }
        // Old entries are dropped at most once a minute: after a burst the memo holds a day's hundreds of thousands,
        // and looking through them on every send made each push cost a scan of them all.
        if (local.Count > 10_000 && now - lastPruned > TimeSpan.FromMinutes(1))
        {
            lastPruned = now;
            foreach (var old in local.Where(entry => entry.Value.At < now - Keep).Select(entry => entry.Key).ToList())
            {
                local.TryRemove(old, out _);
            }
        }
        if (redis is null)
        {
            return;
        }
        try
        {
            var database = redis.GetDatabase();
            await Task.WhenAll(ids.Select(id => database.StringSetAsync(Key(id), receipt ?? "", Keep)));
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // The database save that follows is the record; this only covers its failure.
        }
    }

    /// <summary>Of these deliveries, those accepted before, with their receipts.</summary>
    public async Task<Dictionary<Guid, string>> RecallAsync(IReadOnlyList<DeliveryRecord> deliveries)
    {
        var sent = new Dictionary<Guid, string>();
        foreach (var delivery in deliveries)
        {
            if (local.TryGetValue(delivery.Id, out var known))
            {
                sent[delivery.Id] = known.Receipt;
            }
        }
        var unknown = deliveries.Where(delivery => !sent.ContainsKey(delivery.Id)).ToList();
        if (redis is null || unknown.Count == 0)
        {
            return sent;
        }
        try
        {
            var values = await redis.GetDatabase().StringGetAsync(unknown.Select(delivery => Key(delivery.Id)).ToArray());
            for (var index = 0; index < unknown.Count; index++)
            {
                if (values[index].HasValue)
                {
                    sent[unknown[index].Id] = values[index].ToString();
                }
            }
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // Without the memo a row taken again is sent again: at least once rather than lost.
        }
        return sent;
    }

    private static RedisKey Key(Guid delivery) => $"stockalerts:notifications:sent:{delivery:N}";
}
