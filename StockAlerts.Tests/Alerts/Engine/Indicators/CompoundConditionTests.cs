using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Tests.Alerts.Engine.Indicators;

// "EURUSD below 1.05 AND USDJPY above 150" and friends, on two feeds into one engine.
[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class CompoundConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    private TickFeed euro = null!;
    private TickFeed yen = null!;

    [SetUp]
    public void CreateFeeds()
    {
        euro = new TickFeed(Engine, "EURUSD", Start);
        yen = new TickFeed(Engine, "USDJPY", Start);
    }

    private static AlertRule Compound(CompoundMatch match, AlertFrequency? frequency, params CompoundPart[] parts) =>
        new(Guid.NewGuid(), TestRules.UserId, parts[0].Symbol, new AlertCondition(ConditionType.Compound) { Compound = new CompoundCondition(match, parts) })
        {
            Frequency = frequency ?? AlertFrequency.Once,
        };

    private static CompoundPart Part(string symbol, ConditionType type, decimal level) => new(symbol, new AlertCondition(type) { Level = level });

    [Test]
    public void All_FiresWhenTheLastPartBecomesTrue_OnlyOnceWhileItStaysTrue_AndAgainAfterItWasFalse()
    {
        var rule = Add(Compound(CompoundMatch.All, AlertFrequency.EveryTime(0), Part("EURUSD", ConditionType.Below, 1.05m), Part("USDJPY", ConditionType.Above, 150m)));
        Assert.That(euro.Send(1.06m), Is.Empty);
        Assert.That((Runtime(rule).State, Runtime(rule).Reason), Is.EqualTo((RuleState.NoData, RuleStateReasons.NoFreshPrice)), "no USDJPY price yet");
        Assert.That(yen.Send(151m), Is.Empty, "EURUSD is above 1.05");
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        var firings = euro.Send(1.049m);
        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].Price, Is.EqualTo(1.049m), "at the first part's symbol's price");
        Assert.That(firings[0].Description, Is.EqualTo("EURUSD 1.049 is at or below 1.05 and USDJPY 151 is at or above 150"));
        Assert.That(euro.Send(1.048m), Is.Empty, "still true: no new edge");
        Assert.That(yen.Send(152m), Is.Empty);
        Assert.That(yen.Send(149m), Is.Empty, "false now");
        Assert.That(yen.Send(150.5m), Has.Count.EqualTo(1), "true again");
    }

    [Test]
    public void Any_FiresWhenEitherBecomesTrue()
    {
        Add(Compound(CompoundMatch.Any, AlertFrequency.EveryTime(0), Part("EURUSD", ConditionType.Below, 1.05m), Part("USDJPY", ConditionType.Above, 150m)));
        euro.Send(1.06m);
        yen.Send(149m);
        Assert.That(yen.Send(150m), Has.Count.EqualTo(1));
        Assert.That(euro.Send(1.04m), Is.Empty, "already true through USDJPY");
        Assert.That(yen.Send(140m), Is.Empty, "still true through EURUSD");
        Assert.That(euro.Send(1.07m), Is.Empty, "false");
        Assert.That(euro.Send(1.01m), Has.Count.EqualTo(1));
    }

    [Test]
    public void ACrossingPart_IsTrueOnlyAtTheCrossing_EachCrossingFiresWhileTheOtherPartHolds()
    {
        Add(Compound(CompoundMatch.All, AlertFrequency.EveryTime(0), Part("EURUSD", ConditionType.CrossesBelow, 1.05m), Part("USDJPY", ConditionType.Above, 150m)));
        euro.Send(1.06m);
        yen.Send(151m);
        Assert.That(euro.Send(1.04m), Has.Count.EqualTo(1));
        Assert.That(yen.Send(152m), Is.Empty, "the crossing is over");
        Assert.That(euro.Send(1.06m), Is.Empty);
        Assert.That(euro.Send(1.03m), Has.Count.EqualTo(1), "a second crossing");
        yen.Send(149m);
        euro.Send(1.06m);
        Assert.That(euro.Send(1.03m), Is.Empty, "USDJPY is not above 150");
    }

    [Test]
    public void AlreadyTrueWhenMade_FiresOnTheNextPrice()
    {
        euro.Send(1.04m);
        yen.Send(151m);
        Add(Compound(CompoundMatch.All, null, Part("EURUSD", ConditionType.Below, 1.05m), Part("USDJPY", ConditionType.Above, 150m)));
        Assert.That(yen.Send(151.1m), Has.Count.EqualTo(1));
    }

    [Test]
    public void AStaleSymbol_MakesTheRuleNoData_AndItNeverFiresUntilFresh()
    {
        var rule = Add(Compound(CompoundMatch.Any, AlertFrequency.EveryTime(0), Part("EURUSD", ConditionType.Below, 1.05m), Part("USDJPY", ConditionType.Above, 150m)));
        euro.Send(1.06m);
        yen.Send(149m);
        yen.SendStale(149m);
        Assert.That((Runtime(rule).State, Runtime(rule).Reason), Is.EqualTo((RuleState.NoData, RuleStateReasons.StaleData)));
        Assert.That(euro.Send(1.01m), Is.Empty, "EURUSD alone would make it true, but USDJPY has no fresh price");
        Assert.That(yen.Send(149.5m), Has.Count.EqualTo(1), "fresh again: true through EURUSD");
    }

    [Test]
    public void AnIndicatorPart_OnAnotherSymbol()
    {
        var rsi = new IndicatorSpec(IndicatorKind.Rsi, Timeframe.OneMinute, 2);
        var indicatorPart = new CompoundPart("USDJPY", new IndicatorCondition(Operand.Of(rsi), Operand.Number(70), OnBarClose: false).ToCondition(ConditionType.Above));
        var rule = Add(Compound(CompoundMatch.All, null, Part("EURUSD", ConditionType.Below, 1.05m), indicatorPart));
        euro.Send(1.04m);
        yen.Send(100, afterSeconds: 60);
        yen.Send(99, afterSeconds: 60);
        Assert.That((Runtime(rule).State, Runtime(rule).Reason), Is.EqualTo((RuleState.NoData, RuleStateReasons.WarmingUp)));
        yen.Send(98, afterSeconds: 60);
        yen.Send(97, afterSeconds: 60);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active), "three closes: RSI(2) has a value (0)");
        var firings = yen.Send(105, afterSeconds: 10);
        Assert.That(firings, Has.Count.EqualTo(1), "the forming bar's jump takes RSI above 70");
        Assert.That(firings[0].Description, Is.EqualTo("EURUSD 1.04 is at or below 1.05 and USDJPY RSI(2, 1m) is at or above 70, at 105"));
    }
}
