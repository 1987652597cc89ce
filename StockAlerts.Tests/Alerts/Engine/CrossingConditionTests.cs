using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class CrossingConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    [TestCase(190, 201, 1)]
    [TestCase(199, 200, 1)]
    [TestCase(150, 250, 1)]
    [TestCase(200, 201, 0)]
    [TestCase(210, 215, 0)]
    [TestCase(210, 190, 0)]
    [TestCase(190, 199, 0)]
    public void CrossesAbove_FiresOnlyWhenStartIsBelowLevelAndEndIsAtOrAboveIt(int start, int end, int expected)
    {
        Add(TestRules.CrossesAbove(200m));
        Feed.Send(start);

        Assert.That(Feed.Send(end), Has.Count.EqualTo(expected));
    }

    [TestCase(210, 199, 1)]
    [TestCase(201, 200, 1)]
    [TestCase(250, 150, 1)]
    [TestCase(200, 199, 0)]
    [TestCase(190, 185, 0)]
    [TestCase(190, 210, 0)]
    public void CrossesBelow_FiresOnlyWhenStartIsAboveLevelAndEndIsAtOrBelowIt(int start, int end, int expected)
    {
        Add(TestRules.CrossesBelow(200m));
        Feed.Send(start);

        Assert.That(Feed.Send(end), Has.Count.EqualTo(expected));
    }

    [Test]
    public void CrossesAbove_WhenPriceGapsOverLevelBetweenTwoPolls_FiresWithLevelAsComparedValue()
    {
        var rule = Add(TestRules.CrossesAbove(200m));
        Feed.Send(180m);

        var firings = Feed.Send(230m, afterSeconds: 3600);

        Assert.That(firings, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(firings[0].RuleId, Is.EqualTo(rule.Id));
            Assert.That(firings[0].UserId, Is.EqualTo(TestRules.UserId));
            Assert.That(firings[0].Symbol, Is.EqualTo(TestRules.Symbol));
            Assert.That(firings[0].Price, Is.EqualTo(230m));
            Assert.That(firings[0].ComparedValue, Is.EqualTo(200m));
            Assert.That(firings[0].Time, Is.EqualTo(Feed.Now));
            Assert.That(firings[0].Description, Is.EqualTo("price 230 crossed above 200"));
        }
    }

    [Test]
    public void CrossesAbove_OnFirstTickOfSymbol_UsesTheTicksPreviousPriceAsStart()
    {
        Add(TestRules.CrossesAbove(200m));

        var firings = Engine.Evaluate(new PriceTick(TestRules.Symbol, 205m, 195m, Start));

        Assert.That(firings, Has.Count.EqualTo(1));
    }

    [Test]
    public void CrossesAbove_OnFirstTickWithoutPreviousPrice_DoesNotFire()
    {
        Add(TestRules.CrossesAbove(200m));

        Assert.That(Feed.Send(205m), Is.Empty);
    }

    [Test]
    public void CrossesAbove_Once_FiresOnceAndIsTriggered()
    {
        var rule = Add(TestRules.CrossesAbove(200m));

        var firings = Feed.SendAll(190m, 201m, 190m, 201m, 180m, 220m);

        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(firings[0].State, Is.EqualTo(RuleState.Triggered));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
    }

    [Test]
    public void CrossesAbove_EveryTime_FiresOnEveryUpwardCross()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()));

        Assert.That(Feed.SendAll(190m, 201m, 190m, 201m, 199m, 200m), Has.Count.EqualTo(3));
    }

    [Test]
    public void Crosses_FiresOnEveryCrossingEitherWay_AndSaysWhichWay()
    {
        Add(TestRules.Crosses(200m, AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(190m, 205m, 195m, 205m, 210m, 200m, 199m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 205m, 195m, 205m, 200m }));
        Assert.That(firings.Select(firing => firing.Description), Is.EqualTo(new[]
        {
            "price 205 crossed above 200", "price 195 crossed below 200", "price 205 crossed above 200", "price 200 crossed below 200",
        }));
    }

    [Test]
    public void Crosses_FiresExactlyWhereCrossesAboveOrCrossesBelowWould()
    {
        var either = Add(TestRules.Crosses(200m, AlertFrequency.EveryTime()));
        var up = Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()));
        var down = Add(TestRules.CrossesBelow(200m, AlertFrequency.EveryTime()));
        var random = new Random(19);
        var prices = Enumerable.Range(0, 400).Select(_ => 190m + random.Next(0, 21)).ToArray();

        // A minute apart, so the runaway stop (more than 15 firings in 3 minutes) never comes into it.
        var firings = prices.SelectMany(price => Feed.Send(price, afterSeconds: 60)).ToList();

        var eitherWay = firings.Where(firing => firing.RuleId == either.Id).Select(firing => (firing.Time, firing.Price)).ToList();
        var oneWay = firings.Where(firing => firing.RuleId == up.Id || firing.RuleId == down.Id).Select(firing => (firing.Time, firing.Price)).ToList();
        Assert.That(eitherWay, Is.Not.Empty);
        Assert.That(eitherWay, Is.EqualTo(oneWay));
    }

    [Test]
    public void Crosses_Once_FiresOnTheFirstCrossing_WhicheverWayItGoes()
    {
        Add(TestRules.Crosses(200m));

        var firings = Feed.SendAll(210m, 205m, 195m, 205m);

        Assert.That(firings.Select(firing => firing.Description), Is.EqualTo(new[] { "price 195 crossed below 200" }));
    }

    [Test]
    public void Crosses_WithConfirmation_WaitsOnTheWayItCrossed_AndACrossingBackStartsAgain()
    {
        var rule = Add(TestRules.Crosses(200m, AlertFrequency.EveryTime()) with { ConfirmationSeconds = 60 });
        Feed.Send(190m);

        Assert.That(Feed.Send(205m), Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Pending));
        Assert.That(Feed.Send(195m, afterSeconds: 40), Is.Empty, "crossed back before the minute was up");
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Pending), "now confirming the crossing down");
        Assert.That(Feed.Send(194m, afterSeconds: 40), Is.Empty, "40 s into the crossing down");

        Assert.That(Feed.Send(193m, afterSeconds: 30).Select(firing => firing.Description), Is.EqualTo(new[] { "price 193 crossed below 200" }));
    }

    [Test]
    public void Hysteresis_EveryTime_DipThatStaysInsideTheMargin_DoesNotRearm()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()) with { HysteresisMargin = 5m });

        Assert.That(Feed.SendAll(190m, 201m, 198m, 201m, 196m, 202m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Hysteresis_EveryTime_DipExactlyToLevelMinusMargin_Rearms()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()) with { HysteresisMargin = 5m });

        Assert.That(Feed.SendAll(190m, 201m, 195m, 201m), Has.Count.EqualTo(2));
    }

    [Test]
    public void Hysteresis_DipPastMarginBetweenTicksThatDoNotSpanTheLevel_StillRearms()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()) with { HysteresisMargin = 5m });

        Assert.That(Feed.SendAll(190m, 201m, 199m, 194m, 196m, 201m), Has.Count.EqualTo(2));
    }

    [Test]
    public void Hysteresis_CrossesBelow_RearmsOnlyAfterRisingToLevelPlusMargin()
    {
        Add(TestRules.CrossesBelow(100m, AlertFrequency.EveryTime()) with { HysteresisMargin = 2m });

        var firings = Feed.SendAll(105m, 99m, 101m, 99m, 102m, 99m);

        Assert.That(firings.Select(firing => firing.Time), Is.EqualTo(new[] { Start.AddSeconds(2), Start.AddSeconds(6) }));
    }

    [Test]
    public void Hysteresis_Once_RearmsTheTriggeredRuleWhenPriceMovesBackPastTheMargin()
    {
        var rule = Add(TestRules.CrossesAbove(200m) with { HysteresisMargin = 5m });
        Feed.SendAll(190m, 201m);

        Feed.Send(194m);

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.StateChanges.Last().Reason, Is.EqualTo(RuleStateReasons.RearmedByPrice));
        Assert.That(Feed.Send(201m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Once_WithoutHysteresisOrRearmTime_StaysTriggeredWhenPriceReturns()
    {
        var rule = Add(TestRules.CrossesAbove(200m));

        Feed.SendAll(190m, 201m, 100m, 201m);

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
    }

    [Test]
    public void RearmByTime_Once_ReturnsToActiveOnTheFirstTickAfterTheDelay()
    {
        var rule = Add(TestRules.CrossesAbove(200m) with { RearmAfterSeconds = 60 });
        Feed.SendAll(190m, 201m);

        Feed.Send(190m, afterSeconds: 30);
        var stateHalfway = Runtime(rule).State;
        Feed.Send(190m, afterSeconds: 30);

        Assert.That(stateHalfway, Is.EqualTo(RuleState.Triggered));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.Send(201m), Has.Count.EqualTo(1));
    }

    [Test]
    public void RearmByTime_EveryTimeWithWideMargin_RearmsWithoutThePriceBand()
    {
        Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()) with { HysteresisMargin = 50m, RearmAfterSeconds = 60 });
        Feed.SendAll(190m, 201m);

        var beforeDelay = Feed.SendAll(199m, 201m);
        Feed.Send(199m, afterSeconds: 60);
        var afterDelay = Feed.Send(201m);

        Assert.That(beforeDelay, Is.Empty);
        Assert.That(afterDelay, Has.Count.EqualTo(1));
    }

    [Test]
    public void Update_ChangingTheLevel_TakesEffectOnTheNextTick()
    {
        var rule = Add(TestRules.CrossesAbove(200m));
        Feed.Send(190m);

        Assert.That(Engine.Update(rule with { Condition = rule.Condition with { Level = 220m } }), Is.True);

        Assert.That(Feed.Send(210m), Is.Empty);
        Assert.That(Feed.Send(221m).Single().ComparedValue, Is.EqualTo(220m));
    }

    [Test]
    public void Update_OfTriggeredRule_ResetsTheLatch()
    {
        var rule = Add(TestRules.CrossesAbove(200m));
        Feed.SendAll(190m, 201m);

        Engine.Update(rule with { Name = "renamed" });

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.SendAll(190m, 201m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Rearm_OfTriggeredRule_AllowsTheNextCross()
    {
        var rule = Add(TestRules.CrossesAbove(200m));
        Feed.SendAll(190m, 201m);

        Assert.That(Engine.Rearm(rule.Id), Is.True);

        Assert.That(Feed.SendAll(190m, 201m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Remove_StopsTheRuleFromFiring()
    {
        var rule = Add(TestRules.CrossesAbove(200m, AlertFrequency.EveryTime()));
        Feed.Send(190m);

        Assert.That(Engine.Remove(rule.Id), Is.True);

        Assert.That(Feed.Send(201m), Is.Empty);
        Assert.That(Engine.FindRuntime(rule.Id), Is.Null);
    }
}
