namespace StockAlerts.Modules.Prices.Providers;

/// <summary>One source of quotes. External I/O, so tests point the real clients at local fakes.</summary>
internal interface IPriceProvider
{
    /// <summary>Lower-case id used in configuration, job ids (prices:poll:{Name}) and the instruments' Provider column.</summary>
    string Name { get; }

    /// <summary>Fetches quotes for the given symbols. Never throws for provider or network errors: they come back as an error.</summary>
    Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken);
}

/// <summary>A price as the provider reported it. Symbols are ours (AAPL, EURUSD), not the provider's.</summary>
internal sealed record ProviderQuote(string Symbol, decimal Price, DateTime ProviderTime, decimal? PreviousClose = null, decimal? DayOpen = null);

internal enum ProviderErrorKind
{
    /// <summary>Network failure, timeout, 5xx, malformed body: try again at the next interval.</summary>
    Transient,

    /// <summary>Rate limited (HTTP 429, or a per-minute limit): wait RetryAfter (or a minute) before the next request.</summary>
    RateLimited,

    /// <summary>The plan's monthly volume is used up (fixer/currencylayer 104): stop until the next month.</summary>
    QuotaExhausted,

    /// <summary>Bad or missing key, inactive account, plan does not allow the call (101, 102, 105, 401, 403): an operator must act.</summary>
    Configuration,

    /// <summary>The request itself was wrong (invalid symbols 202, 201, ...).</summary>
    InvalidRequest,
}

/// <summary>Code is the provider's own (e.g. "104 usage_limit_reached", "http 429").</summary>
internal sealed record ProviderError(ProviderErrorKind Kind, string Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>
/// Quotes that were read, plus symbols the provider had no data for (unknown symbol: not a price of 0),
/// plus at most one error for the whole request. Quotes and an error may both be present (partial success).
/// </summary>
internal sealed record ProviderResult(IReadOnlyList<ProviderQuote> Quotes, IReadOnlyList<string> NoData, ProviderError? Error)
{
    public static ProviderResult Failed(ProviderError error) => new([], [], error);
}
