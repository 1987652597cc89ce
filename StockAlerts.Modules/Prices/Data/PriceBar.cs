namespace StockAlerts.Modules.Prices.Data;

/// <summary>One minute of one symbol's prices (open, high, low, close), for charts and rule backtests.</summary>
internal sealed class PriceBar
{
    public required string Symbol { get; set; }

    /// <summary>UTC start of the minute.</summary>
    public DateTime Start { get; set; }

    public decimal Open { get; set; }

    public decimal High { get; set; }

    public decimal Low { get; set; }

    public decimal Close { get; set; }

    /// <summary>When the close was received, so that a late writer never overwrites a newer close.</summary>
    public DateTime CloseAt { get; set; }
}
