using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// The keyless default feed: a seeded random walk per symbol (geometric Brownian motion at the configured
/// volatility), continuing from the last stored price so a restart does not jump.
/// </summary>
internal sealed class SimulatedProvider(InstrumentCatalog catalog, IQuoteStore store, IOptionsMonitor<SimulatedFeedOptions> options, TimeProvider time) : IPriceProvider
{
    private const double SecondsPerYear = 365.25 * 24 * 3600;
    private readonly Dictionary<string, Walk> walks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    public string Name => EnabledProviders.Simulated;

    public async Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await gate.WaitAsync(cancellationToken);
        try
        {
            var missing = symbols.Where(symbol => !walks.ContainsKey(symbol)).ToList();
            var stored = missing.Count == 0 ? new Dictionary<string, StoredQuote>() : await store.GetLatestAsync(missing, cancellationToken);
            var quotes = new List<ProviderQuote>(symbols.Count);
            var noData = new List<string>();
            foreach (var symbol in symbols)
            {
                if (snapshot.Find(symbol) is not { } instrument || instrument.ReferencePrice <= 0)
                {
                    noData.Add(symbol);
                    continue;
                }
                if (!walks.TryGetValue(symbol, out var walk))
                {
                    var start = stored.TryGetValue(symbol, out var last) ? last.Price : instrument.ReferencePrice;
                    walk = new Walk(instrument, start, now, new Random(options.CurrentValue.Seed ^ StableHash(symbol)));
                    walks[symbol] = walk;
                }
                try
                {
                    quotes.Add(walk.Step(now, options.CurrentValue));
                }
                catch (OverflowException)
                {
                    // One instrument walked out of what a decimal holds; the others go on.
                    walks.Remove(symbol);
                    noData.Add(symbol);
                }
            }
            return new ProviderResult(quotes, noData, null);
        }
        finally
        {
            gate.Release();
        }
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = 17;
            foreach (var character in text)
            {
                hash = hash * 31 + character;
            }
            return hash;
        }
    }

    private sealed class Walk(Instrument instrument, decimal start, DateTime startedAt, Random random)
    {
        private double price = (double)start;
        private DateTime last = startedAt;
        private DateTime day = startedAt.Date;
        private decimal dayOpen = start;
        private decimal previousClose = start;

        public ProviderQuote Step(DateTime now, SimulatedFeedOptions options)
        {
            if (now.Date != day)
            {
                previousClose = Round(price);
                dayOpen = previousClose;
                day = now.Date;
            }
            var seconds = Math.Max(1, (now - last).TotalSeconds);
            last = now;
            var volatility = instrument.Kind == InstrumentKind.Stock ? options.StockVolatility : options.FxVolatility;
            var sigma = volatility * Math.Sqrt(seconds / SecondsPerYear);
            price *= Math.Exp(sigma * Gaussian() - sigma * sigma / 2);
            return new ProviderQuote(instrument.Symbol, Round(price), now, previousClose, dayOpen);
        }

        private decimal Round(double value)
        {
            var decimals = instrument.Kind == InstrumentKind.Stock ? 2 : value >= 20 ? 3 : 5;
            return Math.Max(Math.Round((decimal)value, decimals), instrument.Kind == InstrumentKind.Stock ? 0.01m : 0.00001m);
        }

        private double Gaussian()
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
