using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>
/// Sends price changes to each symbol's group, coalesced: between two flushes only a symbol's newest quote goes
/// out. One group send serializes the message once for all its connections (and once for the Redis backplane).
/// It also keeps this instance's live subscriptions published to the store.
/// </summary>
internal sealed partial class PriceStreamer(
    IHubContext<PricesHub, IPricesClient> hub,
    LiveSubscriptions live,
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

    // The symbols' sends go out together, not one after the other: with the Redis backplane each is a publish, and
    // awaiting them in turn made a flush of 500 symbols 500 round trips long while newer prices waited behind it.
    // A symbol is in one flush at most once, and the next flush starts after this one ends: its order holds.
    public Task FlushAsync()
    {
        var sends = new List<Task>(pending.Count);
        foreach (var symbol in pending.Keys)
        {
            if (pending.TryRemove(symbol, out var quote))
            {
                sends.Add(hub.Clients.Group(PricesHub.GroupFor(symbol)).PriceChanged(quote));
            }
        }

        return Task.WhenAll(sends);
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
