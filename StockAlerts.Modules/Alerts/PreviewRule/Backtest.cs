using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
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
    public static BacktestRun Run(AlertRule rule, IReadOnlyList<PriceBarInfo> bars) =>
        Run(rule, new Dictionary<string, IReadOnlyList<PriceBarInfo>> { [rule.Symbol] = bars });

    /// <summary>
    /// The rule over the bars of each symbol it watches (one, or a compound's several, walked together in time order),
    /// its indicators warmed from the bars before the period (warmUp) as the live engine warms them at startup.
    /// </summary>
    public static BacktestRun Run(AlertRule rule, IReadOnlyDictionary<string, IReadOnlyList<PriceBarInfo>> barsBySymbol,
        IReadOnlyDictionary<string, IReadOnlyList<HistoryBar>>? warmUp = null)
    {
        var index = new RuleIndex();
        var firings = new List<FiringCandidate>();
        var onCrossing = ConditionTraits.IsLevelEdge(rule.Condition.Type);
        int exact = 0, recorded = 0, walked = 0, notSeen = 0, uncounted = 0;
        var steps = new List<(DateTime Time, string Symbol, int Bar, decimal Price, PriceBarInfo Info, bool Exact)>();
        foreach (var (symbol, bars) in barsBySymbol)
        {
            for (var i = 0; i < bars.Count; i++)
            {
                var bar = bars[i];
                var path = Path(bar);
                var carriesEveryTick = bar.Ticks > 0 && bar.Ticks <= 3 && path.Count == bar.Ticks;
                exact += carriesEveryTick ? 1 : 0;
                recorded += bar.Ticks;
                uncounted += bar.Ticks == 0 ? 1 : 0;
                notSeen += Math.Max(0, bar.Ticks - path.Count);
                steps.AddRange(path.Select(point => (point.Time, symbol, i, point.Price, bar, carriesEveryTick)));
            }
        }

        // In time order; one symbol's prices keep their own order.
        steps = steps.Select((step, order) => (step, order)).OrderBy(item => item.step.Time).ThenBy(item => item.order).Select(item => item.step).ToList();
        var previous = new Dictionary<string, decimal>(StringComparer.Ordinal);
        (string Symbol, int Bar)? guessedRest = null;
        var added = false;
        DateTime? lastTime = null;
        for (var i = 0; i < steps.Count; i++)
        {
            var (time, symbol, barIndex, price, bar, carriesEveryTick) = steps[i];
            if (guessedRest == (symbol, barIndex))
            {
                // The rest of this bar's path is a guess: it counts as unseen, like the ticks the bar hides.
                continue;
            }

            var tick = new PriceTick(symbol, price, previous.TryGetValue(symbol, out var last) ? last : null, time) { PreviousClose = bar.PreviousClose, DayOpen = bar.DayOpen };
            if (!added)
            {
                // The rule is made once every symbol it watches has a price, as a user makes it on the prices they see.
                index.Prime(tick);
                previous[symbol] = price;
                if (barsBySymbol.Keys.All(previous.ContainsKey))
                {
                    index.Add(rule);
                    foreach (var (warmed, history) in warmUp ?? new Dictionary<string, IReadOnlyList<HistoryBar>>())
                    {
                        index.Warm(warmed, history, time);
                    }

                    added = true;
                }
            }
            else
            {
                firings.AddRange(MoveClock(index, rule.Id, lastTime!.Value, time));
                // The symbols' prices of one moment arrive together, as one poll's do live.
                var batch = new List<PriceTick> { tick };
                while (i + 1 < steps.Count && steps[i + 1].Time == time && steps[i + 1].Symbol != symbol && batch.All(other => other.Symbol != steps[i + 1].Symbol))
                {
                    i++;
                    var next = steps[i];
                    batch.Add(new PriceTick(next.Symbol, next.Price, previous.TryGetValue(next.Symbol, out var before) ? before : null, time)
                    {
                        PreviousClose = next.Info.PreviousClose, DayOpen = next.Info.DayOpen,
                    });
                    previous[next.Symbol] = next.Price;
                    walked++;
                }

                var fired = index.EvaluateBatch(batch);
                firings.AddRange(fired);
                if (fired.Count > 0 && onCrossing && !carriesEveryTick)
                {
                    guessedRest = (symbol, barIndex);
                }
            }

            walked++;
            previous[symbol] = price;
            lastTime = time;
        }

        var state = index.FindRuntime(rule.Id)?.State ?? RuleState.NoData;
        var count = barsBySymbol.Values.Sum(bars => bars.Count);
        return new BacktestRun(firings, state, new BacktestCoverage(count, exact, recorded, walked, notSeen, uncounted));
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
