namespace StockAlerts.Modules.Prices.Contracts;

/// <summary>Where an instrument's day starts (its day bars, day-bar indicators): New York for stocks, UTC for currencies.</summary>
public static class InstrumentDays
{
    public static string ZoneOf(string kind) => string.Equals(kind, "stock", StringComparison.OrdinalIgnoreCase) ? "America/New_York" : "UTC";
}
