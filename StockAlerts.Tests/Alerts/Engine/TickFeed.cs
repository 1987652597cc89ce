using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

internal sealed class TickFeed(IRuleEngine engine, string symbol, DateTime start)
{
    private decimal? lastPrice;

    public DateTime Now { get; private set; } = start;

    public List<RuleStateChange> StateChanges { get; } = [];

    public IReadOnlyList<FiringCandidate> Send(decimal price, double afterSeconds = 1, decimal? previousClose = null, decimal? dayOpen = null) =>
        SendAt(Now.AddSeconds(afterSeconds), price, previousClose, dayOpen);

    public IReadOnlyList<FiringCandidate> SendAt(DateTime time, decimal price, decimal? previousClose = null, decimal? dayOpen = null)
    {
        Now = time;
        var tick = new PriceTick(symbol, price, lastPrice, time) { PreviousClose = previousClose, DayOpen = dayOpen };
        lastPrice = price;
        return engine.Evaluate(tick, StateChanges);
    }

    public IReadOnlyList<FiringCandidate> SendStale(decimal price, double afterSeconds = 1)
    {
        Now = Now.AddSeconds(afterSeconds);
        var tick = new PriceTick(symbol, price, lastPrice, Now, IsStale: true);
        lastPrice = price;
        return engine.Evaluate(tick, StateChanges);
    }

    public List<FiringCandidate> SendAll(params decimal[] prices)
    {
        var firings = new List<FiringCandidate>();
        foreach (var price in prices)
        {
            firings.AddRange(Send(price));
        }

        return firings;
    }
}
