using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.PreviewRule;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Tests.Alerts.Engine;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// The backtest (POST /api/alerts/preview) against live evaluation: the same ticks go through the live engine (its
/// clock moving every second) and, folded into one-minute bars as the service stores them, through the backtest.
/// Where the bars carry every tick, the two must agree firing for firing, for every kind of rule.
/// </summary>
public sealed class BacktestTests
{
    private const string Symbol = "TEST";
    private static readonly DateTime Start = new(2025, 3, 3, 14, 0, 17, DateTimeKind.Utc);

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(19)]
    [TestCase(2026)]
    public void WhereBarsCarryEveryTick_TheBacktestFiresExactlyAsLiveDid(int seed)
    {
        var random = new Random(seed);
        var ticks = TickPath(random, count: 400);
        var rules = Enumerable.Range(0, 150).Select(_ => IndexEquivalenceTests.RandomRule(random, Start) with { Symbol = Symbol }).ToList();
        var live = Live(rules, ticks);
        var bars = Fold(ticks);

        var compared = 0;
        foreach (var rule in rules)
        {
            var run = Backtest.Run(rule, bars);

            Assert.That(run.Firings.Select(Describe), Is.EqualTo(live.Firings.Where(firing => firing.RuleId == rule.Id).Select(Describe)), $"{rule}");
            Assert.That(run.FinalState, Is.EqualTo(live.Index.FindRuntime(rule.Id)!.State), $"{rule}");
            Assert.That(run.Coverage.BarsWithEveryTick, Is.EqualTo(bars.Count));
            Assert.That(run.Coverage.TicksNotSeen, Is.Zero);
            compared += run.Firings.Count;
        }
        Assert.That(compared, Is.GreaterThan(50), "the paths make rules fire");
    }

    [Test]
    public void ABarThatHidesTicks_GivesACrossingRuleOneFiringAtMost_WhileAnExactBarGivesEveryCrossing()
    {
        var rule = TestRules.Crosses(98.5m, AlertFrequency.EveryTime()) with { Symbol = Symbol };
        var opening = Bar(0, 99, 99, 99, 99, ticks: 1);
        // 30 ticks, walked as 99 -> 98 (low) -> 101 (high) -> 100: only the first crossing is sure to be in this order.
        var hiding = Bar(1, 99, 101, 98, 100, ticks: 30);
        // 3 ticks, walked as 100 -> 98 -> 99: every one of them, so every crossing counts.
        var exact = Bar(2, 100, 100, 98, 99, ticks: 3);

        var run = Backtest.Run(rule, [opening, hiding, exact]);

        Assert.That(run.Firings.Select(firing => firing.Description), Is.EqualTo(new[]
        {
            "price 98 crossed below 98.5", "price 100 crossed above 98.5", "price 98 crossed below 98.5", "price 99 crossed above 98.5",
        }));
        Assert.That(run.Coverage, Is.EqualTo(new BacktestCoverage(Bars: 3, BarsWithEveryTick: 2, TicksRecorded: 34, PricesWalked: 6, TicksNotSeen: 26, BarsWithoutTickCount: 0)));
    }

    [TestCase("PreviousClose", 1)]
    [TestCase("DayOpen", 0)]
    public void APercentChange_IsMeasuredFromTheReferencesTheFeedGaveWithTheBars(string referenceName, int expected)
    {
        var reference = Enum.Parse<ReferenceKind>(referenceName);
        // The feed's previous close 100 and day open 104: a rise to 103 is +3 % from the close, -1 % from the open.
        var rule = TestRules.PercentChange(reference, 2m) with { Symbol = Symbol };
        List<PriceBarInfo> bars = [Bar(0, 101, 101, 101, 101, ticks: 1), Bar(1, 103, 103, 103, 103, ticks: 1)];
        bars = bars.Select(bar => bar with { PreviousClose = 100, DayOpen = 104 }).ToList();

        Assert.That(Backtest.Run(rule, bars).Firings, Has.Count.EqualTo(expected));
    }

    private static string Describe(FiringCandidate firing) => $"{firing.Time:O} {firing.Price} {firing.ComparedValue} {firing.Description}";

    // Ticks 30 s to 5 min apart (now and then a gap of hours), so no minute holds more than two: bars carry every tick.
    private static List<PriceTick> TickPath(Random random, int count)
    {
        var ticks = new List<PriceTick>();
        var time = Start;
        var price = 100m;
        for (var i = 0; i < count; i++)
        {
            ticks.Add(new PriceTick(Symbol, price, ticks.Count == 0 ? null : ticks[^1].Price, time) { PreviousClose = 99m, DayOpen = 100.5m });
            time = time.AddSeconds(random.Next(20) == 0 ? random.Next(3_600, 20_000) : random.Next(30, 300)).AddMilliseconds(random.Next(1000));
            price = IndexEquivalenceTests.NextPrice(random, price);
        }
        return ticks;
    }

    private static (RuleIndex Index, List<FiringCandidate> Firings) Live(List<AlertRule> rules, List<PriceTick> ticks)
    {
        var index = new RuleIndex();
        var firings = new List<FiringCandidate>();
        index.Prime(ticks[0]);
        rules.ForEach(rule => index.Add(rule));
        for (var i = 1; i < ticks.Count; i++)
        {
            // The live engine's clock moves every second between prices.
            var second = new DateTime(ticks[i - 1].Time.Ticks - ticks[i - 1].Time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);
            for (; second < ticks[i].Time; second = second.AddSeconds(1))
            {
                firings.AddRange(index.AdvanceClock(second));
            }
            firings.AddRange(index.Evaluate(ticks[i]));
        }
        return (index, firings);
    }

    // As the service stores them (BarRecorder folds each tick with PriceBar.Of and Merge), read back as the query does.
    private static List<PriceBarInfo> Fold(List<PriceTick> ticks)
    {
        var bars = new List<PriceBar>();
        foreach (var tick in ticks)
        {
            var bar = PriceBar.Of(Symbol, tick.Price, tick.Time, tick.PreviousClose, tick.DayOpen);
            if (bars.Count > 0 && bars[^1].Start == bar.Start)
            {
                bars[^1].Merge(bar);
            }
            else
            {
                bars.Add(bar);
            }
        }
        return bars.Select(bar => new PriceBarInfo(bar.Start, bar.Open, bar.High, bar.Low, bar.Close)
        {
            OpenAt = bar.OpenAt, CloseAt = bar.CloseAt, Ticks = bar.Ticks, PreviousClose = bar.PreviousClose, DayOpen = bar.DayOpen,
        }).ToList();
    }

    private static PriceBarInfo Bar(int minute, decimal open, decimal high, decimal low, decimal close, int ticks) =>
        new(Start.AddMinutes(minute), open, high, low, close) { OpenAt = Start.AddMinutes(minute), CloseAt = Start.AddMinutes(minute).AddSeconds(59), Ticks = ticks };
}
