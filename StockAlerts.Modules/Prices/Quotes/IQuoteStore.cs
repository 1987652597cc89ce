namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>
/// Hot price state: latest quotes, the rolling window, live subscriptions, provider status and quota counters.
/// In Redis when configured (shared by every instance), in process otherwise.
/// </summary>
internal interface IQuoteStore
{
    Task<IReadOnlyDictionary<string, StoredQuote>> GetLatestAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredQuote>> GetAllLatestAsync(CancellationToken cancellationToken);

    /// <summary>Stores changed quotes (latest and window) and marks every delivered symbol as seen.</summary>
    Task SaveAsync(IReadOnlyList<StoredQuote> changed, IReadOnlyCollection<string> seen, DateTime seenAt, DateTime windowStart, CancellationToken cancellationToken);

    Task<IReadOnlyList<WindowPoint>> GetWindowAsync(string symbol, DateTime from, CancellationToken cancellationToken);

    /// <summary>Counts one request against a provider's quota period and returns the count so far.</summary>
    Task<long> CountRequestAsync(string provider, string period, CancellationToken cancellationToken);

    Task SetLiveSymbolsAsync(string instance, IReadOnlyCollection<string> symbols, DateTime expiresAt, CancellationToken cancellationToken);

    Task<IReadOnlyCollection<string>> GetLiveSymbolsAsync(DateTime now, CancellationToken cancellationToken);

    /// <summary>The symbols a provider's stream follows now, for the poller (which then polls them last); gone after <paramref name="until"/>.</summary>
    Task SetStreamedSymbolsAsync(string provider, IReadOnlyCollection<string> symbols, DateTime until, CancellationToken cancellationToken);

    Task<IReadOnlyCollection<string>> GetStreamedSymbolsAsync(string provider, DateTime now, CancellationToken cancellationToken);

    Task SaveProviderStatusAsync(ProviderStatus status, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProviderStatus>> GetProviderStatusesAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the set of stale symbols and returns the previous one, so transitions are announced once.</summary>
    Task<IReadOnlyCollection<string>> SwapStaleSymbolsAsync(IReadOnlyCollection<string> stale, CancellationToken cancellationToken);
}
