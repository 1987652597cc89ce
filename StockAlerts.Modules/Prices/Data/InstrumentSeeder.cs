using Microsoft.EntityFrameworkCore;

namespace StockAlerts.Modules.Prices.Data;

/// <summary>A useful catalog on first start: large US stocks and the major FX pairs.</summary>
internal static class InstrumentSeeder
{
    private static readonly Instrument[] Defaults =
    [
        Stock("AAPL", "Apple Inc.", 230m),
        Stock("MSFT", "Microsoft Corp.", 420m),
        Stock("NVDA", "NVIDIA Corp.", 180m),
        Stock("AMZN", "Amazon.com Inc.", 220m),
        Stock("GOOGL", "Alphabet Inc. Class A", 250m),
        Stock("META", "Meta Platforms Inc.", 600m),
        Stock("TSLA", "Tesla Inc.", 350m),
        Stock("JPM", "JPMorgan Chase & Co.", 250m),
        Stock("V", "Visa Inc.", 330m),
        Stock("WMT", "Walmart Inc.", 100m),
        Stock("NFLX", "Netflix Inc.", 110m),
        Stock("AMD", "Advanced Micro Devices Inc.", 160m),
        Fx("EURUSD", "Euro / US Dollar", "USD", 1.16m),
        Fx("GBPUSD", "British Pound / US Dollar", "USD", 1.33m),
        Fx("USDJPY", "US Dollar / Japanese Yen", "JPY", 155m),
        Fx("USDCHF", "US Dollar / Swiss Franc", "CHF", 0.80m),
        Fx("AUDUSD", "Australian Dollar / US Dollar", "USD", 0.65m),
        Fx("USDCAD", "US Dollar / Canadian Dollar", "CAD", 1.40m),
    ];

    public static async Task SeedAsync(PricesDbContext database, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await database.Instruments.AnyAsync(cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var instrument in Defaults)
        {
            database.Instruments.Add(new Instrument
            {
                Symbol = instrument.Symbol,
                Kind = instrument.Kind,
                Currency = instrument.Currency,
                DisplayName = instrument.DisplayName,
                ReferencePrice = instrument.ReferencePrice,
                CreatedAt = now,
            });
        }
        await database.SaveChangesAsync(cancellationToken);
    }

    private static Instrument Stock(string symbol, string name, decimal price) =>
        new() { Symbol = symbol, Kind = InstrumentKind.Stock, Currency = "USD", DisplayName = name, ReferencePrice = price };

    private static Instrument Fx(string symbol, string name, string currency, decimal price) =>
        new() { Symbol = symbol, Kind = InstrumentKind.Fx, Currency = currency, DisplayName = name, ReferencePrice = price };
}
