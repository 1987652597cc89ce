using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Prices.Data;

/// <summary>The instruments, cached for a few seconds: every poll and every subscription consults them.</summary>
internal sealed class InstrumentCatalog(IServiceScopeFactory scopes, EnabledProviders providers, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private volatile Snapshot? current;

    public async ValueTask<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < Lifetime)
        {
            return snapshot;
        }
        await using var scope = scopes.CreateAsyncScope();
        var instruments = await scope.ServiceProvider.GetRequiredService<PricesDbContext>().Instruments.AsNoTracking().ToListAsync(cancellationToken);
        snapshot = new Snapshot(time.GetUtcNow(), instruments.ToDictionary(instrument => instrument.Symbol, StringComparer.OrdinalIgnoreCase), providers);
        current = snapshot;
        return snapshot;
    }

    public void Invalidate() => current = null;

    internal sealed class Snapshot(DateTimeOffset loadedAt, Dictionary<string, Instrument> bySymbol, EnabledProviders providers)
    {
        public DateTimeOffset LoadedAt { get; } = loadedAt;

        public Instrument? Find(string symbol) => bySymbol.GetValueOrDefault(symbol);

        public Instrument? FindEnabled(string symbol) => Find(symbol) is { Enabled: true } instrument ? instrument : null;

        // Asked on every poll and health check while the snapshot lives; worked out once per provider.
        private readonly ConcurrentDictionary<string, IReadOnlyList<Instrument>> byProvider = new(StringComparer.Ordinal);

        public IReadOnlyList<Instrument> ForProvider(string provider) =>
            byProvider.GetOrAdd(provider, key => bySymbol.Values.Where(instrument => instrument.Enabled && providers.Resolve(instrument) == key)
                .OrderBy(instrument => instrument.Symbol, StringComparer.Ordinal)
                .ToList());

        public string? ProviderOf(Instrument instrument) => providers.Resolve(instrument);
    }
}
