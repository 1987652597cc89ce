using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.PreviewRule;

/// <summary>How much of the history the backtest could see.</summary>
/// <param name="Bars">One-minute bars replayed.</param>
/// <param name="BarsWithEveryTick">Bars whose path holds every tick they folded, so their replay is the live one (a middle tick's time is estimated).</param>
/// <param name="TicksRecorded">Ticks folded into the bars that counted them.</param>
/// <param name="PricesWalked">Prices the rule was evaluated on (the bars' paths).</param>
/// <param name="TicksNotSeen">Ticks of counted bars that the replay could not see (those between open, high, low and close).</param>
/// <param name="BarsWithoutTickCount">Bars recorded before ticks were counted: how much they hide is unknown.</param>
internal sealed record BacktestCoverage(int Bars, int BarsWithEveryTick, int TicksRecorded, int PricesWalked, int TicksNotSeen, int BarsWithoutTickCount);

internal sealed record BacktestRun(IReadOnlyList<FiringCandidate> Firings, RuleState FinalState, BacktestCoverage Coverage);

/// <summary>
/// Replays stored one-minute bars through the live engine (the same index, state machine and references), as if the
/// rule had been made at the first bar's open. Each bar is walked as a price path: open, then the nearer of high and
/// low in the likelier order (low first in a rising bar), then close, each at the feed's references of that
/// minute. The clock moves as the live engine's does, on whole seconds, so confirmations, re-arms and expiry happen
/// between prices as they would live. Where a bar hides ticks, its path is a guess: a rule that fires on a crossing
/// fires at most once in such a bar, since a second crossing inside it would only come from the guessed order.
/// </summary>
internal static class Backtest
{
    public static BacktestRun Run(AlertRule rule, IReadOnlyList<PriceBarInfo> bars)
    {
        var index = new RuleIndex();
        var firings = new List<FiringCandidate>();
        var onCrossing = ConditionTraits.IsLevelEdge(rule.Condition.Type);
        int exact = 0, recorded = 0, walked = 0, notSeen = 0, uncounted = 0;
        decimal? previous = null;
        DateTime? lastTime = null;
        foreach (var bar in bars)
        {
            var path = Path(bar);
            var carriesEveryTick = bar.Ticks > 0 && bar.Ticks <= 3 && path.Count == bar.Ticks;
            exact += carriesEveryTick ? 1 : 0;
            recorded += bar.Ticks;
            uncounted += bar.Ticks == 0 ? 1 : 0;
            notSeen += Math.Max(0, bar.Ticks - path.Count);
            foreach (var (time, price) in path)
            {
                var tick = new PriceTick(rule.Symbol, price, previous, time) { PreviousClose = bar.PreviousClose, DayOpen = bar.DayOpen };
                if (previous is null)
                {
                    // The rule is made on the first price, as a user makes it on the price they see.
                    index.Prime(tick);
                    index.Add(rule);
                }
                else
                {
                    firings.AddRange(MoveClock(index, rule.Id, lastTime!.Value, time));
                    var fired = index.Evaluate(tick);
                    firings.AddRange(fired);
                    if (fired.Count > 0 && onCrossing && !carriesEveryTick)
                    {
                        // The rest of this bar's path is a guess: it counts as unseen, like the ticks the bar hides.
                        walked++;
                        previous = price;
                        lastTime = time;
                        break;
                    }
                }
                walked++;
                previous = price;
                lastTime = time;
            }
        }

        var state = index.FindRuntime(rule.Id)?.State ?? RuleState.NoData;
        return new BacktestRun(firings, state, new BacktestCoverage(bars.Count, exact, recorded, walked, notSeen, uncounted));
    }

    /// <summary>
    /// The bar as prices in time order: open, the extremes that lie beyond both open and close (low first in a rising
    /// bar), and the close, at its own time, when the bar holds more than one tick.
    /// </summary>
    public static List<(DateTime Time, decimal Price)> Path(PriceBarInfo bar)
    {
        var openAt = bar.OpenAt;
        var closeAt = bar.CloseAt < openAt ? openAt : bar.CloseAt;
        var (first, second) = bar.Close >= bar.Open ? (bar.Low, bar.High) : (bar.High, bar.Low);
        var extremes = new[] { first, second }.Where(price => price > Math.Max(bar.Open, bar.Close) || price < Math.Min(bar.Open, bar.Close)).ToList();
        var step = (closeAt - openAt) / (extremes.Count + 1);
        var path = new List<(DateTime, decimal)>(4) { (openAt, bar.Open) };
        for (var i = 0; i < extremes.Count; i++)
        {
            path.Add((openAt + step * (i + 1), extremes[i]));
        }
        // The close is a tick of its own whenever the bar holds more than one, even at the price before it.
        if (bar.Ticks > 1 || (bar.Ticks == 0 && bar.Close != path[^1].Item2))
        {
            path.Add((closeAt, bar.Close));
        }
        return path;
    }

    // Between two prices the live engine's clock moves every second; only the seconds at which a rule's deadline
    // falls can change anything, so the replay visits just those.
    private static List<FiringCandidate> MoveClock(RuleIndex index, Guid ruleId, DateTime from, DateTime until)
    {
        var firings = new List<FiringCandidate>();
        var now = from;
        while (index.NextClockEvent(ruleId) is { } due)
        {
            // A deadline that the last second could not act on (none passed yet) is looked at again a second later.
            var at = WholeSecondAfter(due > now ? due : now.AddTicks(1));
            if (at >= until)
            {
                break;
            }
            firings.AddRange(index.AdvanceClock(at));
            now = at;
        }
        return firings;
    }

    private static DateTime WholeSecondAfter(DateTime time)
    {
        var rest = time.Ticks % TimeSpan.TicksPerSecond;
        return rest == 0 ? time : time.AddTicks(TimeSpan.TicksPerSecond - rest);
    }
}
