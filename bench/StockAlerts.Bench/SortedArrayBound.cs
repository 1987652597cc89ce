using System.Diagnostics;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Bench;

/// <summary>
/// The least work that answers once-rules at a price level: per symbol, the "above" levels sorted up and the
/// "below" levels sorted down, each with a cursor past the levels already fired. A tick finds its symbol and moves
/// the two cursors. Nothing else (no edits, no state, no frequency): a bound for the engine, not an engine.
/// </summary>
internal static class SortedArrayBound
{
    /// <summary>
    /// Timed as the engine is (a clock read around each tick, kept), after throwaway passes over the same rules and
    /// ticks as the engine's have run its code into its final tier (see JitSettle).
    /// </summary>
    public static (double Rate, List<(Guid Rule, DateTime Time)> Firings, List<double> Latencies) Run(
        List<AlertRule> rules, List<AlertRule> warmRules, string[] symbols, Dictionary<string, decimal> prices, List<PriceTick> ticks, DateTime warmupTime)
    {
        Console.WriteLine($"bound's code warmed on the same rules and ticks as the engine's: {JitSettle.Run(() => Pass(warmRules, symbols, prices, ticks, warmupTime))}");
        GC.Collect();
        return Pass(rules, symbols, prices, ticks, warmupTime);
    }

    private static (double Rate, List<(Guid Rule, DateTime Time)> Firings, List<double> Latencies) Pass(
        List<AlertRule> rules, string[] symbols, Dictionary<string, decimal> prices, List<PriceTick> ticks, DateTime warmupTime)
    {
        var books = new Dictionary<string, Book>(StringComparer.Ordinal);
        foreach (var group in rules.GroupBy(rule => rule.Symbol))
        {
            var up = group.Where(rule => rule.Condition.Type == ConditionType.Above).OrderBy(rule => rule.Condition.Level).ToArray();
            var down = group.Where(rule => rule.Condition.Type == ConditionType.Below).OrderByDescending(rule => rule.Condition.Level).ToArray();
            books.Add(group.Key, new Book(up.Select(rule => rule.Condition.Level!.Value).ToArray(), up.Select(rule => rule.Id).ToArray(),
                down.Select(rule => rule.Condition.Level!.Value).ToArray(), down.Select(rule => rule.Id).ToArray()));
        }

        var firings = new List<(Guid Rule, DateTime Time)>(rules.Count);
        foreach (var symbol in symbols)
        {
            if (books.TryGetValue(symbol, out var book))
            {
                book.Move(prices[symbol], warmupTime, firings);
            }
        }

        var latencies = new List<double>(ticks.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var tick in ticks)
        {
            var tickStarted = Stopwatch.GetTimestamp();
            if (books.TryGetValue(tick.Symbol, out var book))
            {
                book.Move(tick.Price, tick.Time, firings);
            }

            latencies.Add(Stopwatch.GetElapsedTime(tickStarted).TotalMicroseconds);
        }

        return (ticks.Count / Stopwatch.GetElapsedTime(started).TotalSeconds, firings, latencies);
    }

    private sealed class Book(decimal[] upLevels, Guid[] upRules, decimal[] downLevels, Guid[] downRules)
    {
        private int up;
        private int down;

        public void Move(decimal price, DateTime time, List<(Guid, DateTime)> firings)
        {
            while (up < upLevels.Length && upLevels[up] <= price)
            {
                firings.Add((upRules[up++], time));
            }

            while (down < downLevels.Length && downLevels[down] >= price)
            {
                firings.Add((downRules[down++], time));
            }
        }
    }
}
