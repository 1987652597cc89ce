using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.History;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;

namespace StockAlerts.Modules.Prices.PollPrices;

/// <summary>
/// The path every quote takes: drop unchanged and impossible prices, store the latest and the window, fold into
/// history bars, publish one PricesUpdated batch, and queue the live stream.
/// </summary>
internal sealed partial class QuoteIngestor(
    IQuoteStore store,
    BarRecorder bars,
    PriceStreamer streamer,
    IMediator mediator,
    IOptionsMonitor<PricesOptions> options,
    Staleness staleness,
    PriceBatchRelay relay,
    PricesMetrics metrics,
    TimeProvider time,
    ILogger<QuoteIngestor> logger)
{
    public async Task<IReadOnlyList<PriceChange>> IngestAsync(string source, IReadOnlyList<ProviderQuote> quotes, CancellationToken cancellationToken)
    {
        var valid = quotes.Where(quote => quote.Price > 0).GroupBy(quote => quote.Symbol).Select(group => group.Last()).ToList();
        metrics.Ingested(source, valid.Count);
        if (valid.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;
        var latest = await store.GetLatestAsync(valid.Select(quote => quote.Symbol).ToList(), cancellationToken);
        var changed = new List<StoredQuote>();
        var changes = new List<PriceChange>();
        foreach (var quote in valid)
        {
            latest.TryGetValue(quote.Symbol, out var previous);
            if (previous is not null && previous.Price == quote.Price)
            {
                continue;
            }
            var previousClose = quote.PreviousClose ?? previous?.PreviousClose;
            var dayOpen = quote.DayOpen ?? previous?.DayOpen;
            changed.Add(new StoredQuote(quote.Symbol, quote.Price, previousClose, dayOpen, quote.ProviderTime, now, now, source));
            var afterGap = previous is not null && now - previous.SeenAt > staleness.ThresholdFor(previous.Source);
            changes.Add(new PriceChange(quote.Symbol, quote.Price, previous?.Price, previous?.ReceivedAt, source, quote.ProviderTime, now, previousClose, dayOpen, afterGap));
        }

        var windowStart = now - TimeSpan.FromMinutes(options.CurrentValue.WindowMinutes);
        await store.SaveAsync(changed, valid.Select(quote => quote.Symbol).ToList(), now, windowStart, cancellationToken);
        streamer.Enqueue(changed.Select(quote => QuoteView.From(quote, stale: false)));
        if (changes.Count > 0)
        {
            // Rules first: once stored, an unchanged price is never published again, so nothing may come in between.
            await mediator.Publish(new PricesUpdated(changes), cancellationToken);
            await relay.PublishAsync(changes);
        }
        try
        {
            await bars.RecordAsync(changed, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogHistoryFailed(exception, changed.Count);
        }
        return changes;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Count} price(s) could not be added to the history bars; they are kept in memory for the next write")]
    private partial void LogHistoryFailed(Exception exception, int count);
}
