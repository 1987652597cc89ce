using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Tells the other instances that a rule changed, so their indexes reload it (Redis pub/sub; nothing without Redis).</summary>
internal sealed partial class RuleChangeBus(IServiceProvider services, ILogger<RuleChangeBus> logger)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("stockalerts:alerts:rules");

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();

    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public Task PublishAsync(Guid ruleId) => PublishAsync([ruleId]);

    /// <summary>
    /// Best effort: the change is already saved, so a Redis outage must not fail the write that made it. Other
    /// instances then learn of it from their next reconcile (Alerts:ReconcileSeconds). Many rules go in one message
    /// ("instance:id,id,..."), so a burst of firings is a few messages, not one per rule.
    /// </summary>
    public async Task PublishAsync(IReadOnlyCollection<Guid> ruleIds)
    {
        if (redis is null || ruleIds.Count == 0)
        {
            return;
        }
        try
        {
            var subscriber = redis.GetSubscriber();
            foreach (var ids in ruleIds.Chunk(500))
            {
                await subscriber.PublishAsync(Channel, $"{Instance}:{string.Join(',', ids)}");
            }
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            LogAnnounceFailed(ruleIds.Count, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: could not tell other instances that {Count} rule(s) changed ({Error}); they reload them at their next reconcile")]
    private partial void LogAnnounceFailed(int count, string error);

    public Task SubscribeAsync(Func<IReadOnlyList<Guid>, Task> onChange)
    {
        if (redis is null)
        {
            return Task.CompletedTask;
        }
        return redis.GetSubscriber().SubscribeAsync(Channel, (channel, message) =>
        {
            var text = (string?)message ?? "";
            var separator = text.IndexOf(':');
            if (separator <= 0 || text[..separator] == Instance)
            {
                return;
            }
            var ruleIds = new List<Guid>();
            foreach (var id in text[(separator + 1)..].Split(','))
            {
                if (Guid.TryParse(id, out var ruleId))
                {
                    ruleIds.Add(ruleId);
                }
            }
            onChange(ruleIds);
        });
    }
}
