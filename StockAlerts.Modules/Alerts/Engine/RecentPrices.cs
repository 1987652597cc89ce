using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// The last few prices of each symbol as this instance received them (every instance receives every batch). When it
/// takes over a shard whose owner died, it needs the price that owner last judged, at the owner's mark.
/// </summary>
internal sealed class RecentPrices
{
    private const int PerSymbol = 32;
    private readonly Dictionary<string, Queue<(DateTime Time, decimal Price)>> prices = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public void Add(IReadOnlyList<PriceChange> changes)
    {
        lock (gate)
        {
            foreach (var change in changes)
            {
                if (!prices.TryGetValue(change.Symbol, out var recent))
                {
                    prices[change.Symbol] = recent = new Queue<(DateTime, decimal)>(PerSymbol);
                }
                if (recent.Count == PerSymbol)
                {
                    recent.Dequeue();
                }
                recent.Enqueue((change.ReceivedAt, change.Price));
            }
        }
    }

    /// <summary>
    /// The symbol's price at <paramref name="mark"/> (its last price received then), or null when it is not known: no
    /// price seen here before the mark (this instance started after it). The oldest kept when the mark lies further back.
    /// </summary>
    public decimal? At(string symbol, DateTime mark)
    {
        lock (gate)
        {
            if (!prices.TryGetValue(symbol, out var recent) || recent.Count == 0)
            {
                return null;
            }
            decimal? at = null;
            foreach (var (time, price) in recent)
            {
                if (time > mark)
                {
                    break;
                }
                at = price;
            }
            return at ?? (recent.Count == PerSymbol ? recent.Peek().Price : null);
        }
    }
}
