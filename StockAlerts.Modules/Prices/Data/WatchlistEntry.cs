namespace StockAlerts.Modules.Prices.Data;

/// <summary>A symbol a user follows (the watchlist of the apps), unique per user and symbol.</summary>
internal sealed class WatchlistEntry
{
    public required string UserId { get; set; }

    public required string Symbol { get; set; }

    public DateTime AddedAt { get; set; }
}
