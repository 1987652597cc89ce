namespace StockAlerts.Modules.Prices.Data;

/// <summary>
/// One trading day of one symbol, rolled up from its one-minute bars once the day is over, and kept after those are
/// pruned: indicators on day bars (SMA(200, 1d), a 52-week high) need far more history than the minutes keep.
/// </summary>
internal sealed class DailyBar
{
    public required string Symbol { get; set; }

    /// <summary>UTC instant the day starts: midnight in the instrument's day zone (New York for stocks, UTC for FX).</summary>
    public DateTime Day { get; set; }

    public decimal Open { get; set; }

    public decimal High { get; set; }

    public decimal Low { get; set; }

    public decimal Close { get; set; }

    /// <summary>Minutes that had prices (a day with few is a thin or partly recorded one).</summary>
    public int Minutes { get; set; }
}
