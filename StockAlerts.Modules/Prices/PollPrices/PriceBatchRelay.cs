using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Prices.PollPrices;

/// <summary>
/// With several instances, a poll runs on one of them; every instance's rule index must still see every price, or a
/// crossing seen only by another instance would be missed. Each batch is relayed over Redis and published on the
/// other instances' mediators (the database keeps a firing unique however many instances evaluate it).
/// </summary>
internal sealed partial class PriceBatchRelay(IServiceProvider services, IServiceScopeFactory scopes, ILogger<PriceBatchRelay> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("stockalerts:prices:updated");
    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private readonly string instance = Guid.NewGuid().ToString("N");

    public async Task PublishAsync(IReadOnlyList<PriceChange> changes)
    {
        if (redis is null || changes.Count == 0)
        {
            return;
        }
        var message = JsonSerializer.Serialize(new RelayedBatch(instance, changes), JsonSerializerOptions.Web);
        await redis.GetSubscriber().PublishAsync(Channel, message);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }
        // A queue keeps the batches in order, one after the other, as the polling instance published them.
        var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var message = await queue.ReadAsync(stoppingToken);
                var batch = JsonSerializer.Deserialize<RelayedBatch>((string)message.Message!, JsonSerializerOptions.Web);
                if (batch is null || batch.Instance == instance)
                {
                    continue;
                }
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated(batch.Changes), stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRelayFailed(exception, batch.Changes.Count);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: a relayed batch of {Count} price(s) could not be evaluated here")]
    private partial void LogRelayFailed(Exception exception, int count);

    private sealed record RelayedBatch(string Instance, IReadOnlyList<PriceChange> Changes);
}
