using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>
/// A quote is stale when its provider has not delivered it for a few poll intervals. Stocks only count market
/// hours: a closed market is not an outage.
/// </summary>
internal sealed class Staleness(EnabledProviders providers, IOptionsMonitor<PricesOptions> options)
{
    private static readonly TimeZoneInfo NewYork = FindNewYork();

    public TimeSpan ThresholdFor(string provider)
    {
        var settings = options.CurrentValue;
        var byIntervals = providers.IntervalOf(provider) * settings.StaleAfterIntervals;
        var floor = TimeSpan.FromSeconds(settings.MinimumStaleSeconds);
        return byIntervals > floor ? byIntervals : floor;
    }

    public bool IsStale(StoredQuote quote, InstrumentKind kind, DateTime now)
    {
        if (now - quote.SeenAt <= ThresholdFor(quote.Source))
        {
            return false;
        }
        return kind != InstrumentKind.Stock || IsUsMarketOpen(now);
    }

    /// <summary>The quote as the API and the stream show it, with its stale flag as of now.</summary>
    public QuoteView View(StoredQuote quote, InstrumentKind kind, DateTime now) => QuoteView.From(quote, IsStale(quote, kind, now));

    public static bool IsUsMarketOpen(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, NewYork);
        if (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return false;
        }
        var time = local.TimeOfDay;
        return time >= new TimeSpan(9, 30, 0) && time < new TimeSpan(16, 0, 0);
    }

    // Images without tzdata: standard time all year is close enough for a staleness guard.
    private static TimeZoneInfo FindNewYork() => TimeZones.TryFind("America/New_York", out var zone)
        ? zone
        : TimeZoneInfo.CreateCustomTimeZone("US-Eastern-fixed", TimeSpan.FromHours(-5), "US Eastern", "US Eastern");
}
