namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>A quote as the API and the live stream show it; change is against the previous close when known.</summary>
public sealed record QuoteView(
    string Symbol,
    decimal Price,
    decimal? PreviousClose,
    decimal? Change,
    decimal? ChangePercent,
    DateTime Time,
    string Source,
    bool Stale)
{
    internal static QuoteView From(StoredQuote quote, bool stale) =>
        Of(quote.Symbol, quote.Price, quote.PreviousClose, quote.ReceivedAt, quote.Source, stale);

    /// <summary>A changed price as the instance that stored it streams it (relayed batches carry changes, not quotes).</summary>
    internal static QuoteView From(Contracts.PriceChange change) =>
        Of(change.Symbol, change.Price, change.PreviousClose, change.ReceivedAt, change.Source, stale: false);

    private static QuoteView Of(string symbol, decimal price, decimal? previousClose, DateTime time, string source, bool stale)
    {
        decimal? change = previousClose is { } close ? price - close : null;
        decimal? percent = previousClose is { } reference && reference != 0 ? Math.Round((price - reference) / reference * 100m, 4) : null;
        return new QuoteView(symbol, price, previousClose, change, percent, time, source, stale);
    }
}
