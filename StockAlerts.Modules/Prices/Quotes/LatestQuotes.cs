using System.Collections.Concurrent;
using Mediator;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>
/// The stored latest quotes of catalog instruments with their stale flag, for every reader of prices. With the Redis
/// store, quotes read are kept for up to a second and replaced by every price batch this instance receives (each
/// instance receives every batch), so a read costs no Redis round trip while the symbol's price is moving; a batch
/// lost in transit delays a reader by at most that second. A quote seen again at an unchanged price is not a batch,
/// so a kept quote that reads as stale is always read again.
/// </summary>
internal sealed class LatestQuotes(IQuoteStore store, Staleness staleness, KeptQuotes kept, TimeProvider time) : INotificationHandler<PricesUpdated>
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(1);
    private readonly bool keeping = store is RedisQuoteStore;

    /// <summary>One entry per instrument that has a quote, in the order asked.</summary>
    public async Task<IReadOnlyList<(StoredQuote Quote, bool Stale)>> ReadAsync(IReadOnlyList<Instrument> instruments, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var quotes = new Dictionary<string, StoredQuote>(instruments.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var instrument in instruments.DistinctBy(instrument => instrument.Symbol))
        {
            // A kept quote that reads as stale is asked for again: the store may have seen it since (an unchanged
            // price is no batch), and a stale flag must not outlast the feed's return.
            if (keeping && kept.Quotes.TryGetValue(instrument.Symbol, out var entry) && now - entry.ReadAt < KeepFor
                && !staleness.IsStale(entry.Quote, instrument.Kind, now))
            {
                quotes[instrument.Symbol] = entry.Quote;
            }
            else
            {
                missing.Add(instrument.Symbol);
            }
        }
        if (missing.Count > 0)
        {
            foreach (var (symbol, quote) in await store.GetLatestAsync(missing, cancellationToken))
            {
                quotes[symbol] = quote;
                if (keeping)
                {
                    kept.Quotes[symbol] = (quote, now);
                }
            }
        }
        return instruments
            .Where(instrument => quotes.ContainsKey(instrument.Symbol))
            .Select(instrument => (quotes[instrument.Symbol], staleness.IsStale(quotes[instrument.Symbol], instrument.Kind, now)))
            .ToList();
    }

    public async Task<IReadOnlyList<QuoteView>> ViewsAsync(IReadOnlyList<Instrument> instruments, CancellationToken cancellationToken) =>
        (await ReadAsync(instruments, cancellationToken)).Select(entry => QuoteView.From(entry.Quote, entry.Stale)).ToList();

    /// <summary>A batch ingested here or relayed from the polling instance: the kept quotes of its symbols are replaced.</summary>
    public ValueTask Handle(PricesUpdated notification, CancellationToken cancellationToken)
    {
        if (!keeping)
        {
            return ValueTask.CompletedTask;
        }
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var change in notification.Changes)
        {
            // Only symbols someone read are kept; a batch that arrives late does not replace a newer quote.
            if (kept.Quotes.TryGetValue(change.Symbol, out var entry) && entry.Quote.ReceivedAt <= change.ReceivedAt)
            {
                kept.Quotes[change.Symbol] = (new StoredQuote(change.Symbol, change.Price, change.PreviousClose, change.DayOpen, change.ProviderTime,
                    change.ReceivedAt, change.ReceivedAt, change.Source), now);
            }
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The quotes <see cref="LatestQuotes"/> keeps, one set per process (the mediator makes a handler per scope).</summary>
internal sealed class KeptQuotes
{
    public ConcurrentDictionary<string, (StoredQuote Quote, DateTime ReadAt)> Quotes { get; } = new(StringComparer.Ordinal);
}
