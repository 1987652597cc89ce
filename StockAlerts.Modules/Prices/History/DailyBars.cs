using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices.History;

/// <summary>
/// Day bars from one-minute bars, in the instrument's day zone. Rolled up days are stored (<see cref="DailyBar"/>) so
/// they outlive the minutes' retention; the days since the last roll-up are made from the minutes when asked for.
/// </summary>
internal static class DailyBars
{
    public static TimeZoneInfo ZoneOf(Instrument? instrument) =>
        TimeZones.TryFind(InstrumentDays.ZoneOf(instrument?.Kind.ToString() ?? "fx"), out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The days the minutes (oldest first) cover that have ended by <paramref name="until"/> (or all, the one still forming included).</summary>
    public static List<DailyBar> RollUp(string symbol, IEnumerable<PriceBar> minutes, TimeZoneInfo zone, DateTime until, bool wholeDaysOnly = true)
    {
        var days = new List<DailyBar>();
        DateTime? end = null;
        foreach (var minute in minutes)
        {
            if (end is { } dayEnd && minute.Start < dayEnd)
            {
                var day = days[^1];
                day.High = Math.Max(day.High, minute.High);
                day.Low = Math.Min(day.Low, minute.Low);
                day.Close = minute.Close;
                day.Minutes++;
                continue;
            }

            var (start, nextEnd) = TimeZones.DayOf(minute.Start, zone);
            if (wholeDaysOnly && nextEnd > until)
            {
                break;
            }

            days.Add(new DailyBar { Symbol = symbol, Day = start, Open = minute.Open, High = minute.High, Low = minute.Low, Close = minute.Close, Minutes = 1 });
            end = nextEnd;
        }

        return days;
    }

    /// <summary>Stored days from <paramref name="from"/>, then the days after them from the minutes (whole ones only, or with the day still forming).</summary>
    public static async Task<List<DailyBarInfo>> ReadAsync(PricesDbContext database, string symbol, TimeZoneInfo zone, DateTime from, DateTime to, CancellationToken cancellationToken,
        bool wholeDaysOnly = true)
    {
        var stored = await database.DailyBars.AsNoTracking()
            .Where(bar => bar.Symbol == symbol && bar.Day >= from && bar.Day < to)
            .OrderBy(bar => bar.Day)
            .ToListAsync(cancellationToken);
        var after = stored.Count > 0 ? TimeZones.DayOf(stored[^1].Day, zone).End : from;
        var minutes = await database.PriceBars.AsNoTracking()
            .Where(bar => bar.Symbol == symbol && bar.Start >= after && bar.Start < to)
            .OrderBy(bar => bar.Start)
            .ToListAsync(cancellationToken);
        return stored.Concat(RollUp(symbol, minutes, zone, to, wholeDaysOnly))
            .Select(bar => new DailyBarInfo(bar.Day, bar.Open, bar.High, bar.Low, bar.Close))
            .ToList();
    }
}
