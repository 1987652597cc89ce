using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>
/// Sends price changes to this instance's connections that follow them, coalesced: between two flushes only a
/// symbol's newest quote goes out, serialized once per protocol for all its followers. Every instance streams the
/// prices it sees (polled here or relayed from the instance that polled), so they never cross the backplane.
/// It also keeps this instance's live subscriptions published to the store.
/// </summary>
internal sealed partial class PriceStreamer(
    IHubContext<PricesHub, IPricesClient> hub,
    LiveSubscriptions live,
    PriceConnections connections,
    IQuoteStore store,
    IOptionsMonitor<PricesOptions> options,
    TimeProvider time,
    ILogger<PriceStreamer> logger) : BackgroundService
{
    private static readonly TimeSpan LivePublishEvery = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, QuoteView> pending = new(StringComparer.Ordinal);

    public void Enqueue(IEnumerable<QuoteView> quotes)
    {
        foreach (var quote in quotes)
        {
            pending[quote.Symbol] = quote;
        }
    }

    public Task SendStaleChangeAsync(StaleChange change) => hub.Clients.Group(PricesHub.GroupFor(change.Symbol)).StaleChanged(change);

    // Written per connection: a connection's changed symbols go out back to back. Only a connection whose output is
    // backed up is awaited, the others are not held behind it. A symbol is in one flush at most once, and the next
    // flush starts after this one ends: its order holds.
    public Task FlushAsync()
    {
        if (pending.IsEmpty)
        {
            return Task.CompletedTask;
        }
        var messages = new Dictionary<string, SerializedHubMessage>(pending.Count, StringComparer.Ordinal);
        foreach (var symbol in pending.Keys)
        {
            if (pending.TryRemove(symbol, out var quote))
            {
                messages[symbol] = new SerializedHubMessage(new InvocationMessage(nameof(IPricesClient.PriceChanged), [quote]));
            }
        }
        List<Task>? backedUp = null;
        live.ForEachFollower(messages, (connectionId, followed) =>
        {
            if (connections.Find(connectionId) is { } connection && WriteAsync(connection, followed) is { IsCompletedSuccessfully: false } writing)
            {
                (backedUp ??= []).Add(writing);
            }
        });
        return backedUp is null ? Task.CompletedTask : Task.WhenAll(backedUp);
    }

    private static async Task WriteAsync(HubConnectionContext connection, List<SerializedHubMessage> messages)
    {
        foreach (var message in messages)
        {
            await connection.WriteAsync(message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / options.CurrentValue.MaxUpdatesPerSecond), time);
        var nextLivePublish = DateTime.MinValue;
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                await FlushAsync();
                var now = time.GetUtcNow().UtcDateTime;
                if (now >= nextLivePublish)
                {
                    nextLivePublish = now + LivePublishEvery;
                    await store.SetLiveSymbolsAsync(live.Instance, live.AllSymbols(), now + LivePublishEvery * 3, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A backplane or Redis hiccup must not stop the stream for good; the next tick tries again.
                LogStreamFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: live stream flush failed; retrying at the next tick")]
    private partial void LogStreamFailed(Exception exception);

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
