using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>Tells the other instances that a rule changed, so their indexes reload it (Redis pub/sub; nothing without Redis).</summary>
internal sealed class RuleChangeBus(IServiceProvider services)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("stockalerts:alerts:rules");

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();

    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public async Task PublishAsync(Guid ruleId)
    {
        if (redis is not null)
        {
            await redis.GetSubscriber().PublishAsync(Channel, $"{Instance}:{ruleId}");
        }
    }

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
