using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Prices.PollPrices;

/// <summary>
/// With several instances, a poll runs on one of them; every instance's rule index must still see every price, or a
/// crossing seen only by another instance would be missed. Each batch is relayed over Redis and published on the
/// other instances' mediators (the database keeps a firing unique however many instances evaluate it), and streamed
/// to their live clients.
/// </summary>
internal sealed partial class PriceBatchRelay(IServiceProvider services, IServiceScopeFactory scopes, PriceStreamer streamer, ILogger<PriceBatchRelay> logger) : BackgroundService
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
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, message);
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            // This instance has evaluated the batch; the others catch up with the next one.
            LogRelayPublishFailed(exception, changes.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }
        // A queue keeps the batches in order, one after the other, as the polling instance published them.
        var queue = await SubscribeAsync(redis, stoppingToken);
        if (queue is null)
        {
            return;
        }
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var message = await queue.ReadAsync(stoppingToken);
                try
                {
                    var batch = JsonSerializer.Deserialize<RelayedBatch>((string)message.Message!, JsonSerializerOptions.Web);
                    if (batch is null || batch.Instance == instance)
                    {
                        continue;
                    }
                    // This instance's live clients first: evaluating the batch may take a while.
                    streamer.Enqueue(batch.Changes.Select(QuoteView.From));
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated(batch.Changes), stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRelayFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    /// <summary>Redis may still be starting: keep trying rather than stop the host.</summary>
    private async Task<ChannelMessageQueue?> SubscribeAsync(IConnectionMultiplexer connection, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                return await connection.GetSubscriber().SubscribeAsync(Channel);
            }
            catch (Exception exception) when (exception.IsRedisFailure())
            {
                LogSubscribeFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: a relayed price batch could not be evaluated here")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: relaying {Count} price(s) to the other instances failed")]
    private partial void LogRelayPublishFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: subscribing to relayed price batches failed; retrying in 5 s")]
    private partial void LogSubscribeFailed(Exception exception);

    private sealed record RelayedBatch(string Instance, IReadOnlyList<PriceChange> Changes);
}
