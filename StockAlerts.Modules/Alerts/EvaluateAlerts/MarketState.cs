namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class MarketState
{
    private readonly Dictionary<int, RollingWindow> windows = new();

    public decimal? LastFreshPrice { get; private set; }
    public DateTime? LastFreshTime { get; private set; }
    public bool IsStale { get; private set; }
    public bool HasSeenStale { get; private set; }
    public decimal? PreviousClose { get; private set; }
    public decimal? DayOpen { get; private set; }

    public bool HasFreshPrice => LastFreshPrice is not null && !IsStale;

    public void EnsureWindow(int minutes) => windows.TryAdd(minutes, new RollingWindow(TimeSpan.FromMinutes(minutes)));

    public RollingWindow? FindWindow(int minutes) => windows.GetValueOrDefault(minutes);

    public bool MarkStale()
    {
        HasSeenStale = true;
        if (IsStale)
        {
            return false;
        }

        IsStale = true;
        return true;
    }

    // The tick's own previous price is trusted only before the engine has seen any price or stale flag
    // for the symbol (a restart); afterwards the start of a move is always the last fresh price.
    public bool TryBegin(PriceTick tick, out decimal? previous, out bool recovering)
    {
        previous = null;
        recovering = false;
        if (LastFreshTime is { } lastTime && tick.Time < lastTime)
        {
            return false;
        }

        previous = LastFreshPrice ?? (HasSeenStale ? null : tick.PreviousPrice);
        recovering = IsStale || LastFreshPrice is null;
        PreviousClose = tick.PreviousClose ?? PreviousClose;
        DayOpen = tick.DayOpen ?? DayOpen;
        foreach (var window in windows.Values)
        {
            window.Add(tick.Time, tick.Price);
        }

        return true;
    }

    public void Complete(PriceTick tick)
    {
        LastFreshPrice = tick.Price;
        LastFreshTime = tick.Time;
        IsStale = false;
    }
}
