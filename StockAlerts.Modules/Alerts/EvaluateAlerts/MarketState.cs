using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class MarketState
{
    private RollingWindow? window;

    public decimal? LastFreshPrice { get; private set; }
    public DateTime? LastFreshTime { get; private set; }
    public bool IsStale { get; private set; }
    public bool HasSeenStale { get; private set; }
    public decimal? PreviousClose { get; private set; }
    public decimal? DayOpen { get; private set; }

    public bool HasFreshPrice => LastFreshPrice is not null && !IsStale;

    /// <summary>A price came in the current batch; MoveStart is the price before the batch's first one.</summary>
    public bool Moved { get; private set; }

    public decimal? MoveStart { get; private set; }

    /// <summary>Bars and indicators, made when the first indicator condition on the symbol arrives.</summary>
    public SymbolIndicators? Indicators { get; private set; }

    // Started from the last fresh price, so that the first live reading after has one to compare with.
    public SymbolIndicators IndicatorsFor(string dayZone) => Indicators ??= new SymbolIndicators(TimeZoneCache.Find(dayZone), HasFreshPrice ? (LastFreshTime!.Value, LastFreshPrice!.Value) : null);

    // One window as long as the longest any rule asked for; shorter windows are read from it. A new window starts
    // with the last fresh price, so a move from the price a rule was created at counts.
    public void EnsureWindow(int minutes)
    {
        var length = TimeSpan.FromMinutes(minutes);
        if (window is null)
        {
            window = new RollingWindow(length);
            if (HasFreshPrice && LastFreshTime is { } time && LastFreshPrice is { } price)
            {
                window.Add(time, price);
            }
        }
        else
        {
            window.Extend(length);
        }
    }

    public decimal? WindowLow(int minutes) => window?.MinimumOver(TimeSpan.FromMinutes(minutes));

    public decimal? WindowHigh(int minutes) => window?.MaximumOver(TimeSpan.FromMinutes(minutes));

    /// <summary>The lowest and highest prices of the longest window: bounds for every shorter one.</summary>
    public (decimal? Low, decimal? High) WidestWindow => (window?.Minimum, window?.Maximum);

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
        window?.Add(tick.Time, tick.Price);
        Indicators?.OnTick(tick.Time, tick.Price);
        Note(tick, previous);
        return true;
    }

    /// <summary>
    /// TryBegin and Complete in one for a fresh price, in order, on a symbol without a window or indicators that has a
    /// fresh price: what the book's quiet path needs. False (and nothing changed) when the full path must run.
    /// </summary>
    public bool TryQuietMove(PriceTick tick)
    {
        if (IsStale || window is not null || Indicators is not null || LastFreshPrice is not { } last
            || LastFreshTime is not { } lastTime || tick.Time < lastTime)
        {
            return false;
        }

        Note(tick, last);
        Complete(tick);
        return true;
    }

    // The tick's references, and where the batch's move started.
    private void Note(PriceTick tick, decimal? previous)
    {
        PreviousClose = tick.PreviousClose ?? PreviousClose;
        DayOpen = tick.DayOpen ?? DayOpen;
        if (!Moved)
        {
            Moved = true;
            MoveStart = previous;
        }
    }

    /// <summary>A hand-over: the next move starts from the price the symbol's previous owner last judged.</summary>
    public void Rewind(decimal price) => LastFreshPrice = price;

    /// <summary>The batch (or clock step) is over: what moved in it is no longer news to the next one.</summary>
    public void EndStep()
    {
        Moved = false;
        MoveStart = null;
        Indicators?.EndStep();
    }

    public void Complete(PriceTick tick)
    {
        LastFreshPrice = tick.Price;
        LastFreshTime = tick.Time;
        IsStale = false;
    }
}
