namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Monotonic deques: lows keeps increasing prices, highs decreasing ones, so each front is the window's extreme.
internal sealed class RollingWindow(TimeSpan length)
{
    private readonly RingBuffer<PriceSample> lows = new();
    private readonly RingBuffer<PriceSample> highs = new();

    public TimeSpan Length { get; } = length;

    public decimal? Minimum => lows.Count == 0 ? null : lows.Front.Price;

    public decimal? Maximum => highs.Count == 0 ? null : highs.Front.Price;

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
}
