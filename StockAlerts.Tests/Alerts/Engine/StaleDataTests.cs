using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class StaleDataTests(EngineKind kind) : EngineTestBase(kind)
{
    [Test]
    public void StaleTick_SatisfyingAStateCondition_NeverFires()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()));

        Assert.That(Feed.SendStale(150m), Is.Empty);
    }

    [Test]
    public void StaleTick_CrossingTheLevel_DoesNotFire()
    {
        Add(TestRules.CrossesAbove(200m));
        Feed.Send(190m);

        Assert.That(Feed.SendStale(210m), Is.Empty);
    }

    [Test]
    public void FirstFreshPriceAfterAnOutage_IsComparedWithTheLastFreshPrice()
    {
        Add(TestRules.CrossesAbove(200m));
        Feed.Send(190m);
        Feed.SendStale(210m);
        Feed.SendStale(215m);

        var firing = Feed.Send(205m, afterSeconds: 600).Single();

        Assert.That(firing.Price, Is.EqualTo(205m));
    }

    [Test]
    public void Reconnect_AfterStaleValuesOnTheOtherSideOfTheLevel_DoesNotFalselyCross()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()));
        Feed.Send(210m);
        Feed.SendStale(190m);
        Feed.SendStale(185m);

        Assert.That(Feed.Send(205m, afterSeconds: 600), Is.Empty);
    }

    [Test]
    public void Reconnect_WithTheTicksPreviousPriceFromTheOutage_IgnoresIt()
    {
        Add(TestRules.CrossesAbove(200m));
        Feed.Send(210m);
        Feed.SendStale(190m);

        var firings = Engine.Evaluate(new PriceTick(TestRules.Symbol, 205m, 190m, Feed.Now.AddSeconds(60)));

        Assert.That(firings, Is.Empty);
    }

    [Test]
    public void FirstTickAfterStartupWasStale_TheNextFreshTicksPreviousPriceIsNotTrusted()
    {
        Add(TestRules.CrossesAbove(200m));
        Engine.Evaluate(new PriceTick(TestRules.Symbol, 195m, null, Start, IsStale: true));

        var firings = Engine.Evaluate(new PriceTick(TestRules.Symbol, 205m, 195m, Start.AddSeconds(1)));

        Assert.That(firings, Is.Empty);
    }

    [Test]
    public void StaleTick_MarksActiveRulesNoData_AndTheNextFreshTickRestoresThem()
    {
        var rule = Add(TestRules.Above(300m));
        Feed.Send(100m);

        Feed.SendStale(100m);
        var whileStale = Runtime(rule).State;
        var staleChange = Feed.StateChanges.Last();
        Feed.Send(101m);

        Assert.That(whileStale, Is.EqualTo(RuleState.NoData));
        Assert.That(staleChange.Reason, Is.EqualTo(RuleStateReasons.StaleData));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.StateChanges.Last().State, Is.EqualTo(RuleState.Active));
    }

    [Test]
    public void StaleTick_LeavesTriggeredRulesTriggered()
    {
        var rule = Add(TestRules.Above(100m));
        Feed.Send(101m);

        Feed.SendStale(101m);

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
    }

    [Test]
    public void RuleAddedBeforeAnyPrice_IsNoDataUntilTheFirstFreshPrice()
    {
        var rule = Add(TestRules.Above(300m));

        var beforeAnyPrice = Runtime(rule).State;
        Feed.SendStale(100m);
        var afterStalePrice = Runtime(rule).State;
        Feed.Send(100m);

        Assert.That(beforeAnyPrice, Is.EqualTo(RuleState.NoData));
        Assert.That(afterStalePrice, Is.EqualTo(RuleState.NoData));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
    }

    [Test]
    public void StaleTick_CancelsAPendingConfirmation()
    {
        Add(TestRules.Above(200m) with { ConfirmationSeconds = 30 });
        Feed.Send(201m);

        Feed.SendStale(201m, afterSeconds: 10);
        var backFresh = Feed.Send(201m, afterSeconds: 20);
        var confirmedAfterRestart = Feed.Send(201m, afterSeconds: 30);

        Assert.That(backFresh, Is.Empty);
        Assert.That(confirmedAfterRestart, Has.Count.EqualTo(1));
    }

    [Test]
    public void StaleTick_DoesNotEnterTheRollingWindow()
    {
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 60, amount: 5m));
        Feed.Send(100m);
        Feed.SendStale(90m);

        Assert.That(Feed.Send(95m), Is.Empty);
    }

    [Test]
    public void OutOfOrderTick_IsIgnored()
    {
        Add(TestRules.CrossesAbove(200m));
        Feed.SendAt(Start.AddSeconds(10), 190m);

        var late = Feed.SendAt(Start.AddSeconds(5), 201m);
        var next = Feed.SendAt(Start.AddSeconds(11), 201m);

        Assert.That(late, Is.Empty);
        Assert.That(next, Has.Count.EqualTo(1));
    }

    [Test]
    public void TickForAnotherSymbol_DoesNotTouchTheRule()
    {
        var rule = Add(TestRules.Above(100m));
        Feed.Send(90m);

        var firings = Engine.Evaluate(new PriceTick("MSFT", 150m, 140m, Feed.Now.AddSeconds(1)));

        Assert.That(firings, Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
    }
}
