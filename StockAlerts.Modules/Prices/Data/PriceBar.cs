namespace StockAlerts.Modules.Prices.Data;

/// <summary>
/// One minute of one symbol's prices (open, high, low, close), for charts and rule backtests. A backtest replays it
/// as a price path, so the bar also keeps how many ticks it folded and the day's references the feed gave with them.
/// </summary>
internal sealed class PriceBar
{
    public required string Symbol { get; set; }

    /// <summary>UTC start of the minute.</summary>
    public DateTime Start { get; set; }

    public decimal Open { get; set; }

    public decimal High { get; set; }

    public decimal Low { get; set; }

    public decimal Close { get; set; }

    /// <summary>When the open was received, so that a writer holding an earlier tick of the minute takes the open.</summary>
    public DateTime OpenAt { get; set; }

    /// <summary>When the close was received, so that a late writer never overwrites a newer close.</summary>
    public DateTime CloseAt { get; set; }

    /// <summary>Ticks folded into the bar; 0 for bars recorded before the count was kept (unknown).</summary>
    public int Ticks { get; set; }

    /// <summary>The feed's previous close and day open with the close (null where the feed has none).</summary>
    public decimal? PreviousClose { get; set; }

    public decimal? DayOpen { get; set; }

    public static PriceBar Of(string symbol, decimal price, DateTime at, decimal? previousClose, decimal? dayOpen) => new()
    {
        Symbol = symbol, Start = MinuteOf(at), Open = price, High = price, Low = price, Close = price, OpenAt = at, CloseAt = at,
        Ticks = 1, PreviousClose = previousClose, DayOpen = dayOpen,
    };

    /// <summary>Takes in another writer's part of the same minute: the earlier open, the wider range, the later close.</summary>
    public void Merge(PriceBar other)
    {
        if (other.OpenAt < OpenAt)
        {
            Open = other.Open;
            OpenAt = other.OpenAt;
        }
        High = Math.Max(High, other.High);
        Low = Math.Min(Low, other.Low);
        if (other.CloseAt >= CloseAt)
        {
            Close = other.Close;
            CloseAt = other.CloseAt;
            PreviousClose = other.PreviousClose;
            DayOpen = other.DayOpen;
        }
        Ticks += other.Ticks;
    }

    public static DateTime MinuteOf(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
