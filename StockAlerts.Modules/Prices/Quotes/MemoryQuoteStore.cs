using System.Collections.Concurrent;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>The embedded-mode store: one process, no Redis.</summary>
internal sealed class MemoryQuoteStore : IQuoteStore
{
    private readonly ConcurrentDictionary<string, StoredQuote> latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue<WindowPoint>> windows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> requestCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlyCollection<string> Symbols, DateTime ExpiresAt)> live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderStatus> statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlyCollection<string> Symbols, DateTime Until)> streamed = new(StringComparer.Ordinal);
    private IReadOnlyCollection<string> stale = [];

    public Task SetStreamedSymbolsAsync(string provider, IReadOnlyCollection<string> symbols, DateTime until, CancellationToken cancellationToken)
    {
        streamed[provider] = (symbols.ToArray(), until);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> GetStreamedSymbolsAsync(string provider, DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult(streamed.TryGetValue(provider, out var entry) && entry.Until > now ? entry.Symbols : (IReadOnlyCollection<string>)[]);

    public Task<IReadOnlyDictionary<string, StoredQuote>> GetLatestAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredQuote>(symbols.Count, StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            if (latest.TryGetValue(symbol, out var quote))
            {
                found[symbol] = quote;
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, StoredQuote>>(found);
    }

    public Task<IReadOnlyList<StoredQuote>> GetAllLatestAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredQuote>>(latest.Values.ToList());

    public Task SaveAsync(IReadOnlyList<StoredQuote> changed, IReadOnlyCollection<string> seen, DateTime seenAt, DateTime windowStart, CancellationToken cancellationToken)
    {
        foreach (var quote in changed)
        {
            latest[quote.Symbol] = quote;
            var window = windows.GetOrAdd(quote.Symbol, _ => new Queue<WindowPoint>());
            lock (window)
            {
                window.Enqueue(new WindowPoint(quote.ReceivedAt, quote.Price));
                while (window.Count > 0 && window.Peek().Time < windowStart)
                {
                    window.Dequeue();
                }
            }
        }
        foreach (var symbol in seen)
        {
            latest.AddOrUpdate(symbol, _ => throw new InvalidOperationException("A seen symbol must have a stored quote."),
                (_, quote) => quote.SeenAt >= seenAt ? quote : quote with { SeenAt = seenAt });
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WindowPoint>> GetWindowAsync(string symbol, DateTime from, CancellationToken cancellationToken)
    {
        if (!windows.TryGetValue(symbol, out var window))
        {
            return Task.FromResult<IReadOnlyList<WindowPoint>>([]);
        }
        lock (window)
        {
            return Task.FromResult<IReadOnlyList<WindowPoint>>(window.Where(point => point.Time >= from).ToList());
        }
    }

    public Task<long> CountRequestAsync(string provider, string period, CancellationToken cancellationToken) =>
        Task.FromResult(requestCounts.AddOrUpdate($"{provider}:{period}", 1, (_, count) => count + 1));

    public Task SetLiveSymbolsAsync(string instance, IReadOnlyCollection<string> symbols, DateTime expiresAt, CancellationToken cancellationToken)
    {
        live[instance] = (symbols, expiresAt);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> GetLiveSymbolsAsync(DateTime now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<string>>(live.Values.Where(entry => entry.ExpiresAt > now)
            .SelectMany(entry => entry.Symbols).ToHashSet(StringComparer.Ordinal));

    public Task SaveProviderStatusAsync(ProviderStatus status, CancellationToken cancellationToken)
    {
        statuses[status.Provider] = status;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProviderStatus>> GetProviderStatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProviderStatus>>(statuses.Values.OrderBy(status => status.Provider).ToList());

    public Task<IReadOnlyCollection<string>> SwapStaleSymbolsAsync(IReadOnlyCollection<string> current, CancellationToken cancellationToken) =>
        Task.FromResult(Interlocked.Exchange(ref stale, current));
}
