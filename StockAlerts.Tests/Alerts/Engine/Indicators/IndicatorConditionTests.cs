using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Tests.Alerts.Engine.Indicators;

// Scripted paths through conditions on indicators, one price a minute (each price closes the previous minute's bar).
[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class IndicatorConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    private static readonly IndicatorSpec Rsi2 = new(IndicatorKind.Rsi, Timeframe.OneMinute, 2);

    private static AlertRule Rule(ConditionType type, IndicatorCondition condition, AlertFrequency? frequency = null) =>
        TestRules.Create(condition.ToCondition(type), frequency);

    private List<FiringCandidate> EveryMinute(params decimal[] prices)
    {
        var firings = new List<FiringCandidate>();
        foreach (var price in prices)
        {
            firings.AddRange(Feed.Send(price, afterSeconds: 60));
        }

        return firings;
    }

    [Test]
    public void RsiCrossesBelow_AtBarClose_WarmsUp_ThenFiresOnTheCloseThatCrossed_WithTheValues()
    {
        var rule = Add(Rule(ConditionType.CrossesBelow, new IndicatorCondition(Operand.Of(Rsi2), Operand.Number(30), OnBarClose: true)));
        EveryMinute(100, 101, 102);
        Assert.That((Runtime(rule).State, Runtime(rule).Reason), Is.EqualTo((RuleState.NoData, RuleStateReasons.WarmingUp)), "two closes: RSI(2) needs three");

        // The third close (102) gives RSI 100; the close at 95 takes it to 11.11 (gains 0.5, losses 4).
        Assert.That(EveryMinute(103), Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(EveryMinute(95), Is.Empty, "95 is the forming bar: judged only when it closes");
        var firings = EveryMinute(96);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Price, Is.EqualTo(95m), "at the close it judged");
        Assert.That(firings[0].ComparedValue, Is.EqualTo(100 - 100 / (1 + 0.5m / 4)).Within(0.0000001m));
        Assert.That(firings[0].Description, Is.EqualTo("RSI(2, 1m) fell below 30 (11.11) at 95, on the 1m close"));
        Assert.That(EveryMinute(80, 70), Is.Empty, "a once rule fired");
    }

    [Test]
    public void RsiCrossesBelow_Live_FiresOnThePriceThatTakesTheFormingBarsRsiBelow()
    {
        var rule = Add(Rule(ConditionType.CrossesBelow, new IndicatorCondition(Operand.Of(Rsi2), Operand.Number(30), OnBarClose: false)));
        EveryMinute(100, 101, 102, 103);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        // Closed: 100, 101, 102 (RSI 100); the forming bar at 102 leaves it there, at 95 it is 12.5 (gains 0.5, losses 3.5).
        Assert.That(Feed.Send(102, afterSeconds: 10), Is.Empty);
        var firings = Feed.Send(95, afterSeconds: 10);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Price, Is.EqualTo(95m));
        Assert.That(firings[0].Description, Is.EqualTo("RSI(2, 1m) fell below 30 (12.5) at 95"));
    }

    [Test]
    public void SmaCrossesAboveSma_FiresOnceEachTimeTheFastAverageCrossesTheSlow()
    {
        var fast = new IndicatorSpec(IndicatorKind.Sma, Timeframe.OneMinute, 2);
        var slow = new IndicatorSpec(IndicatorKind.Sma, Timeframe.OneMinute, 4);
        Add(Rule(ConditionType.CrossesAbove, new IndicatorCondition(Operand.Of(fast), Operand.Of(slow), OnBarClose: true), AlertFrequency.EveryTime(0)));

        // Closes 10, 9, 8, 7: fast 7.5 < slow 8.5. Close 12: fast 9.5 > slow 9 (crossed). Close 13: still above.
        Assert.That(EveryMinute(10, 9, 8, 7, 12), Is.Empty);
        var crossed = EveryMinute(13);
        Assert.That(crossed, Has.Count.EqualTo(1));
        Assert.That(crossed[0].Description, Is.EqualTo("SMA(2, 1m) rose above SMA(4, 1m) (9.5 vs 9) at 12, on the 1m close"));
        Assert.That(EveryMinute(14), Is.Empty, "still above: no second crossing");
        Assert.That(EveryMinute(5, 4, 3, 20), Is.Empty, "below again from the close of 5; 20 is forming");
        Assert.That(EveryMinute(21), Has.Count.EqualTo(1), "the close of 20 crossed above again (11.5 vs 8)");
    }

    [Test]
    public void PriceCrossesAboveTheUpperBollingerBand_Live()
    {
        var bands = new IndicatorSpec(IndicatorKind.Bollinger, Timeframe.OneMinute, 3) { Deviations = 1 };
        Add(Rule(ConditionType.CrossesAbove, new IndicatorCondition(Operand.Price, Operand.Of(bands, IndicatorOutput.Upper), OnBarClose: false)));
        EveryMinute(100, 101, 99, 100);
        // With the forming bar at p, the window is 99, 100, p... the closes 101, 99 and p: upper = mean + deviation.
        Assert.That(Feed.Send(100.5m, afterSeconds: 5), Is.Empty);
        var firings = Feed.Send(104, afterSeconds: 5);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Description, Does.StartWith("price 104 rose above the upper band of BB(3, 1, 1m) ("));
    }

    [Test]
    public void PriceExitsTheBollingerBands_AtBarClose_SaysTheBands()
    {
        var bands = new IndicatorSpec(IndicatorKind.Bollinger, Timeframe.OneMinute, 3) { Deviations = 1 };
        Add(Rule(ConditionType.ExitsChannel, new IndicatorCondition(Operand.Price, Operand.Of(bands), OnBarClose: true)));
        // Closes 100, 101, 100, 101 keep each close inside its own window's bands; 110 closes far above them.
        Assert.That(EveryMinute(100, 101, 100, 101, 110), Is.Empty);
        var firings = EveryMinute(111);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Price, Is.EqualTo(110m));
        Assert.That(firings[0].Description, Does.Match(@"^price 110 left the bands of BB\(3, 1, 1m\) \(\d+\.?\d* to \d+\.?\d*\), on the 1m close$"));
    }

    [Test]
    public void MacdLineCrossesAboveItsSignal_AtBarClose_OnTheCloseWhereTheLinesCross()
    {
        var macd = new IndicatorSpec(IndicatorKind.Macd, Timeframe.OneMinute, 4) { Fast = 2, Slow = 4, Signal = 2 };
        var rule = Add(Rule(ConditionType.CrossesAbove, new IndicatorCondition(Operand.Of(macd, IndicatorOutput.Macd), Operand.Of(macd, IndicatorOutput.Signal), OnBarClose: true), AlertFrequency.EveryTime(0)));
        // An accelerating fall (the MACD line under its signal), then a turn. Where the lines cross comes from the
        // indicator itself, checked against its reference elsewhere; here: the rule fires at exactly those closes.
        decimal[] closes = [20, 19, 17, 14, 10, 5, 3, 2.5m, 4, 7, 11, 12, 11, 8, 4, 3, 5, 9];
        var reference = IndicatorCalculator.For(macd);
        var expected = new List<decimal>();
        double? before = null;
        foreach (var close in closes)
        {
            reference.Close(close, close, close);
            if (reference.Ready)
            {
                var difference = reference.Closed(IndicatorOutput.Macd) - reference.Closed(IndicatorOutput.Signal);
                if (before < 0 && difference >= 0)
                {
                    expected.Add(close);
                }

                before = difference;
            }
        }

        var firings = EveryMinute([.. closes, 9]);
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(2), "the path turns up twice");
        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(expected));
        Assert.That(Runtime(rule).FireCount, Is.EqualTo(expected.Count));
        Assert.That(firings[0].Description, Does.StartWith("the MACD line of MACD(2, 4, 2, 1m) rose above the signal line of MACD(2, 4, 2, 1m) ("));
    }

    [Test]
    public void NewHigh_PriceCrossesAboveTheHighestHighOfTheBarsBefore()
    {
        var highest = new IndicatorSpec(IndicatorKind.Highest, Timeframe.OneMinute, 3);
        Add(Rule(ConditionType.CrossesAbove, new IndicatorCondition(Operand.Price, Operand.Of(highest), OnBarClose: false), AlertFrequency.EveryTime(0)));
        EveryMinute(100, 105, 101, 102, 103);
        Assert.That(Feed.Send(104.9m, afterSeconds: 5), Is.Empty, "below the 105 of the three bars before (105, 101, 102)");
        var firings = Feed.Send(105.5m, afterSeconds: 5);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Description, Is.EqualTo("price 105.5 rose above highest high(3, 1m) (105)"));
    }

    [Test]
    public void AtBarClose_TheClockClosesABarWithoutANewPrice()
    {
        Add(Rule(ConditionType.Below, new IndicatorCondition(Operand.Of(Rsi2), Operand.Number(30), OnBarClose: true)));
        EveryMinute(100, 101, 102, 103);
        Feed.Send(90, afterSeconds: 5);
        Assert.That(Engine.AdvanceClock(Feed.Now.AddSeconds(30)), Is.Empty, "the bar of 90 is still forming");
        var firings = Engine.AdvanceClock(Feed.Now.AddSeconds(56));
        Assert.That(firings, Has.Count.EqualTo(1), "its minute is over: it closed at 90");
        Assert.That(firings[0].Price, Is.EqualTo(90m));
    }

    [Test]
    public void StaleFeed_MakesIndicatorRulesNoData_UntilFreshPrices()
    {
        var rule = Add(Rule(ConditionType.Above, new IndicatorCondition(Operand.Of(Rsi2), Operand.Number(70), OnBarClose: false)));
        EveryMinute(100, 99, 98, 97);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Feed.SendStale(97, afterSeconds: 30);
        Assert.That((Runtime(rule).State, Runtime(rule).Reason), Is.EqualTo((RuleState.NoData, RuleStateReasons.StaleData)));
        Assert.That(Feed.Send(130, afterSeconds: 30), Has.Count.EqualTo(1), "fresh again: active, and the jump takes RSI above 70");
    }
}
