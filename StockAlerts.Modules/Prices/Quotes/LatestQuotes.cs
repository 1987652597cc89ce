using StockAlerts.Modules.Prices.Data;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>The stored latest quotes of catalog instruments with their stale flag, for every reader of prices.</summary>
internal sealed class LatestQuotes(IQuoteStore store, Staleness staleness, TimeProvider time)
{
    /// <summary>One entry per instrument that has a quote, in the order asked.</summary>
    public async Task<IReadOnlyList<(StoredQuote Quote, bool Stale)>> ReadAsync(IReadOnlyList<Instrument> instruments, CancellationToken cancellationToken)
    {
        var quotes = await store.GetLatestAsync(instruments.Select(instrument => instrument.Symbol).Distinct().ToList(), cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return instruments
            .Where(instrument => quotes.ContainsKey(instrument.Symbol))
            .Select(instrument => (quotes[instrument.Symbol], staleness.IsStale(quotes[instrument.Symbol], instrument.Kind, now)))
            .ToList();
    }

    public async Task<IReadOnlyList<QuoteView>> ViewsAsync(IReadOnlyList<Instrument> instruments, CancellationToken cancellationToken) =>
        (await ReadAsync(instruments, cancellationToken)).Select(entry => QuoteView.From(entry.Quote, entry.Stale)).ToList();
}
