using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class WindowConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    [Test]
    public void MovesUp_ByPercentWithinTheWindow_FiresAgainstTheWindowLow()
    {
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 60, percent: 1m));
        Feed.Send(100m);

        var beforeThreshold = Feed.Send(100.5m, afterSeconds: 600);
        var firing = Feed.Send(101m, afterSeconds: 600).Single();

        Assert.That(beforeThreshold, Is.Empty);
        Assert.That(firing.ComparedValue, Is.EqualTo(100m));
        Assert.That(firing.Description, Is.EqualTo("price 101 moved +1 (+1%) from the 60-minute low 100"));
    }

    [Test]
    public void MovesUp_IsMeasuredAgainstTheWindowLowNotTheLastPoll()
    {
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 60, percent: 1m));
        Feed.Send(100m);
        Feed.Send(99m, afterSeconds: 600);

        var fromLastPoll = Feed.Send(99.5m, afterSeconds: 600);
        var fromLow = Feed.Send(99.99m, afterSeconds: 600);

        Assert.That(fromLastPoll, Is.Empty);
        Assert.That(fromLow.Single().ComparedValue, Is.EqualTo(99m));
    }

    [Test]
    public void MovesUp_WhenTheLowHasLeftTheWindow_DoesNotFire()
    {
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 60, percent: 1m));
        Feed.Send(99m);

        Assert.That(Feed.Send(100m, afterSeconds: 3660), Is.Empty);
    }

    [Test]
    public void MovesUp_WhenTheLowIsExactlyAtTheStartOfTheWindow_Fires()
    {
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 60, percent: 1m));
        Feed.Send(100m);

        Assert.That(Feed.Send(101m, afterSeconds: 3600), Has.Count.EqualTo(1));
    }

    [Test]
    public void MovesDown_ByAmountWithinTheWindow_FiresAgainstTheWindowHigh()
    {
        Add(TestRules.Move(ConditionType.MovesDown, windowMinutes: 30, amount: 2m));

        var firings = Feed.SendAll(110m, 109m, 108m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(110m));
    }

    [Test]
    public void MovesDown_EveryTime_FiresOncePerMoveAndRearmsWhenTheMoveLeavesTheWindow()
    {
        Add(TestRules.Move(ConditionType.MovesDown, windowMinutes: 60, amount: 3m, frequency: AlertFrequency.EveryTime()));
        Feed.Send(110m);

        var duringMove = new List<FiringCandidate>();
        duringMove.AddRange(Feed.Send(107m, afterSeconds: 60));
        duringMove.AddRange(Feed.Send(106m, afterSeconds: 60));
        duringMove.AddRange(Feed.Send(105m, afterSeconds: 60));
        var afterWindow = Feed.Send(104m, afterSeconds: 4200);
        var nextMove = Feed.Send(101m, afterSeconds: 60);

        Assert.That(duringMove.Select(firing => firing.Price), Is.EqualTo(new[] { 107m }));
        Assert.That(afterWindow, Is.Empty);
        Assert.That(nextMove.Single().ComparedValue, Is.EqualTo(104m));
    }

    [Test]
    public void PercentChange_FromPreviousClose_FiresAtThePercentAndKeepsTheReference()
    {
        Add(TestRules.PercentChange(ReferenceKind.PreviousClose, 5m));

        var belowThreshold = Feed.Send(104m, previousClose: 100m);
        var firing = Feed.Send(105m).Single();

        Assert.That(belowThreshold, Is.Empty);
        Assert.That(firing.ComparedValue, Is.EqualTo(100m));
        Assert.That(firing.Description, Is.EqualTo("price 105 moved +5 (+5%) from the previous close 100"));
    }

    [Test]
    public void PercentChange_WithNegativePercentFromDayOpen_FiresOnTheDrop()
    {
        Add(TestRules.PercentChange(ReferenceKind.DayOpen, -5m));

        var rising = Feed.Send(106m, dayOpen: 100m);
        var smallDrop = Feed.Send(96m);
        var drop = Feed.Send(95m);

        Assert.That(rising, Is.Empty);
        Assert.That(smallDrop, Is.Empty);
        Assert.That(drop.Single().ComparedValue, Is.EqualTo(100m));
    }

    [Test]
    public void PercentChange_FromCreation_UsesTheStoredReferencePrice()
    {
        Add(TestRules.PercentChange(ReferenceKind.Creation, 10m, referencePrice: 200m));

        var firings = Feed.SendAll(215m, 220m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(200m));
        Assert.That(firings.Single().Description, Is.EqualTo("price 220 moved +20 (+10%) from the price at creation 200"));
    }

    [Test]
    public void PercentChange_FromCreationWithoutStoredReference_UsesThePriceWhenAdded()
    {
        Feed.Send(100m);
        Add(TestRules.PercentChange(ReferenceKind.Creation, 5m));

        var firings = Feed.SendAll(104m, 105m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(100m));
    }

    [Test]
    public void PercentChange_EveryTime_FiresAgainOnlyAfterTheConditionClears()
    {
        Add(TestRules.PercentChange(ReferenceKind.Creation, 10m, referencePrice: 200m, frequency: AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(220m, 225m, 215m, 221m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 220m, 221m }));
    }

    [Test]
    public void TrailingDrawdown_ByPercent_FiresWhenPriceFallsThatFarFromThePeak()
    {
        Add(TestRules.Trailing(ConditionType.TrailingDrawdown, percent: 5m));

        var firings = Feed.SendAll(100m, 110m, 105m, 104.5m);

        Assert.That(firings.Single().Price, Is.EqualTo(104.5m));
        Assert.That(firings.Single().ComparedValue, Is.EqualTo(110m));
    }

    [Test]
    public void TrailingDrawdown_IgnoresPeaksFromBeforeTheRuleWasAdded()
    {
        Feed.SendAll(120m, 100m);
        Add(TestRules.Trailing(ConditionType.TrailingDrawdown, percent: 5m));

        var firings = Feed.SendAll(96m, 95m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(100m));
    }

    [Test]
    public void TrailingDrawdown_EveryTime_RestartsFromTheFiringPrice()
    {
        Add(TestRules.Trailing(ConditionType.TrailingDrawdown, amount: 5m, frequency: AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(100m, 95m, 93m, 90m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 95m, 90m }));
    }

    [Test]
    public void TrailingDrawdown_Rearm_MeasuresFromThePriceAtRearm()
    {
        var rule = Add(TestRules.Trailing(ConditionType.TrailingDrawdown, amount: 5m));
        Feed.SendAll(100m, 95m, 120m);

        Engine.Rearm(rule.Id);
        var firings = Feed.SendAll(116m, 115m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(120m));
    }

    [Test]
    public void TrailingRise_ByAmount_FiresWhenPriceRisesThatFarFromTheTrough()
    {
        Add(TestRules.Trailing(ConditionType.TrailingRise, amount: 3m));

        var firings = Feed.SendAll(100m, 97m, 99m, 100m);

        Assert.That(firings.Single().ComparedValue, Is.EqualTo(97m));
    }

    [Test]
    public void Step_EveryTenPercent_FiresInBothDirectionsAndReanchorsAfterEachFiring()
    {
        Add(TestRules.Step(percent: 10m, referencePrice: 100m, frequency: AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(105m, 110m, 115m, 121m, 108.9m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 110m, 121m, 108.9m }));
        Assert.That(firings.Select(firing => firing.ComparedValue), Is.EqualTo(new[] { 100m, 110m, 121m }));
    }

    [Test]
    public void Step_GapOverSeveralSteps_FiresOnceAndReanchorsAtTheNewPrice()
    {
        Add(TestRules.Step(amount: 10m, referencePrice: 100m, frequency: AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(135m, 140m, 145m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 135m, 145m }));
    }
}
