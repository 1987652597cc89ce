namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Monotonic deques: lows keeps increasing prices, highs decreasing ones, so each front is the window's extreme.
// Every element of a deque is below (lows) or above (highs) everything after it, so the extreme of any shorter
// window ending now is the first element inside it: one deque per symbol serves every window length.
internal sealed class RollingWindow(TimeSpan length)
{
    private readonly RingBuffer<PriceSample> lows = new();
    private readonly RingBuffer<PriceSample> highs = new();

    public TimeSpan Length { get; private set; } = length;

    public DateTime? LastTime { get; private set; }

    public decimal? Minimum => lows.Count == 0 ? null : lows.Front.Price;

    public decimal? Maximum => highs.Count == 0 ? null : highs.Front.Price;

    public void Extend(TimeSpan length)
    {
        if (length > Length)
        {
            Length = length;
        }
    }

    public void Add(DateTime time, decimal price)
    {
        while (lows.Count > 0 && lows.Back.Price >= price)
        {
            lows.PopBack();
        }

        lows.PushBack(new PriceSample(time, price));
        while (highs.Count > 0 && highs.Back.Price <= price)
        {
            highs.PopBack();
        }

        highs.PushBack(new PriceSample(time, price));
        LastTime = time;
        Evict(time);
    }

    public void Evict(DateTime now)
    {
        var start = now - Length;
        while (lows.Count > 0 && lows.Front.Time < start)
        {
            lows.PopFront();
        }

        while (highs.Count > 0 && highs.Front.Time < start)
        {
            highs.PopFront();
        }
    }

    /// <summary>The lowest price of the last <paramref name="length"/> (up to <see cref="Length"/>) before the newest sample.</summary>
    public decimal? MinimumOver(TimeSpan length) => FirstSince(lows, length);

    public decimal? MaximumOver(TimeSpan length) => FirstSince(highs, length);

    private decimal? FirstSince(RingBuffer<PriceSample> deque, TimeSpan length)
    {
        if (LastTime is not { } last || deque.Count == 0)
        {
            return null;
        }

        var start = last - length;
        int low = 0, high = deque.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (deque[middle].Time < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low < deque.Count ? deque[low].Price : null;
    }
}
