using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Tells the other instances that a rule changed, so their indexes reload it (Redis pub/sub; nothing without Redis).</summary>
internal sealed partial class RuleChangeBus(IServiceProvider services, ILogger<RuleChangeBus> logger)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("stockalerts:alerts:rules");

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();

    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Best effort: the change is already saved, so a Redis outage must not fail the write that made it. Other
    /// instances then learn of it from their next reconcile (Alerts:ReconcileSeconds).
    /// </summary>
    public async Task PublishAsync(Guid ruleId)
    {
        if (redis is null)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, $"{Instance}:{ruleId}");
        }
        catch (RedisException exception)
        {
            LogAnnounceFailed(ruleId, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: could not tell other instances that rule {RuleId} changed ({Error}); they reload it at their next reconcile")]
    private partial void LogAnnounceFailed(Guid ruleId, string error);

    public Task SubscribeAsync(Func<Guid, Task> onChange)
    {
        if (redis is null)
        {
            return Task.CompletedTask;
        }
        return redis.GetSubscriber().SubscribeAsync(Channel, (channel, message) =>
        {
            var text = (string?)message ?? "";
            var separator = text.IndexOf(':');
            if (separator > 0 && text[..separator] != Instance && Guid.TryParse(text[(separator + 1)..], out var ruleId))
            {
                onChange(ruleId);
            }
        });
    }
}
