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
    internal static QuoteView From(StoredQuote quote, bool stale)
    {
        decimal? change = quote.PreviousClose is { } close ? quote.Price - close : null;
        decimal? percent = quote.PreviousClose is { } reference && reference != 0 ? Math.Round((quote.Price - reference) / reference * 100m, 4) : null;
        return new QuoteView(quote.Symbol, quote.Price, quote.PreviousClose, change, percent, quote.ReceivedAt, quote.Source, stale);
    }
}
