namespace StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

internal enum Timeframe
{
    OneMinute,
    FiveMinutes,
    FifteenMinutes,
    OneHour,
    FourHours,
    OneDay,
}

/// <summary>
/// Where bars start and end. Intraday bars are aligned to the UTC clock (a 4h bar starts at 00, 04, 08 … UTC); a day
/// bar is the calendar day in the instrument's zone (the exchange's for a stock, UTC for a currency pair).
/// </summary>
internal static class Timeframes
{
    private static readonly (Timeframe Timeframe, string Name, TimeSpan Length)[] Table =
    [
        (Timeframe.OneMinute, "1m", TimeSpan.FromMinutes(1)),
        (Timeframe.FiveMinutes, "5m", TimeSpan.FromMinutes(5)),
        (Timeframe.FifteenMinutes, "15m", TimeSpan.FromMinutes(15)),
        (Timeframe.OneHour, "1h", TimeSpan.FromHours(1)),
        (Timeframe.FourHours, "4h", TimeSpan.FromHours(4)),
        (Timeframe.OneDay, "1d", TimeSpan.FromDays(1)),
    ];

    public static IReadOnlyList<string> Names { get; } = Table.Select(entry => entry.Name).ToArray();

    public static string Name(Timeframe timeframe) => Table[(int)timeframe].Name;

    public static TimeSpan Length(Timeframe timeframe) => Table[(int)timeframe].Length;

    public static bool TryParse(string? name, out Timeframe timeframe)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                timeframe = entry.Timeframe;
                return true;
            }
        }

        timeframe = default;
        return false;
    }

    /// <summary>The UTC start and end of the bar holding this time.</summary>
    public static (DateTime Start, DateTime End) BarOf(Timeframe timeframe, DateTime time, TimeZoneInfo dayZone)
    {
        if (timeframe != Timeframe.OneDay)
        {
            var length = Length(timeframe).Ticks;
            var start = new DateTime(time.Ticks - time.Ticks % length, DateTimeKind.Utc);
            return (start, start.AddTicks(length));
        }

        return Shared.TimeZones.DayOf(time, dayZone);
    }
}
