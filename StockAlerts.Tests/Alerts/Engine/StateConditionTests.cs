using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class StateConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    [TestCase(200, 1)]
    [TestCase(250, 1)]
    [TestCase(199, 0)]
    public void Above_FiresWhenPriceIsAtOrAboveLevel(int price, int expected)
    {
        Add(TestRules.Above(200m));

        Assert.That(Feed.Send(price), Has.Count.EqualTo(expected));
    }

    [TestCase(200, 1)]
    [TestCase(150, 1)]
    [TestCase(201, 0)]
    public void Below_FiresWhenPriceIsAtOrBelowLevel(int price, int expected)
    {
        Add(TestRules.Below(200m));

        Assert.That(Feed.Send(price), Has.Count.EqualTo(expected));
    }

    [Test]
    public void Above_OnTheVeryFirstTick_FiresWithoutNeedingAPreviousPrice()
    {
        Add(TestRules.Above(200m));

        var firing = Feed.Send(210m).Single();

        Assert.That(firing.Description, Is.EqualTo("price 210 is at or above 200"));
    }

    [Test]
    public void Above_Once_FiresOnceThenStaysTriggered()
    {
        var rule = Add(TestRules.Above(200m));

        Assert.That(Feed.SendAll(201m, 202m, 199m, 203m), Has.Count.EqualTo(1));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
        Assert.That(Runtime(rule).Reason, Is.EqualTo(RuleStateReasons.Fired));
    }

    [Test]
    public void Above_EveryTimeWithoutCooldown_FiresOnEveryTickThatSatisfiesTheCondition()
    {
        Add(TestRules.Above(200m, AlertFrequency.EveryTime()));

        Assert.That(Feed.SendAll(201m, 202m, 199m, 203m), Has.Count.EqualTo(3));
    }

    [Test]
    public void Above_EveryTimeWithCooldown_FiresNoMoreOftenThanTheCooldown()
    {
        Add(TestRules.Above(200m, AlertFrequency.EveryTime(cooldownSeconds: 60)));

        var firings = new List<FiringCandidate>();
        for (var tick = 0; tick < 9; tick++)
        {
            firings.AddRange(Feed.Send(201m, afterSeconds: 20));
        }

        Assert.That(firings.Select(firing => firing.Time), Is.EqualTo(new[] { Start.AddSeconds(20), Start.AddSeconds(80), Start.AddSeconds(140) }));
    }

    [Test]
    public void Below_EveryTime_StopsFiringWhenPriceRecovers()
    {
        Add(TestRules.Below(100m, AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(99m, 98m, 101m, 102m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 99m, 98m }));
    }

    [Test]
    public void Above_OnceWithHysteresis_RearmsOnlyBelowLevelMinusMargin()
    {
        Add(TestRules.Above(200m) with { HysteresisMargin = 10m });

        var firings = Feed.SendAll(201m, 195m, 201m, 190m, 201m);

        Assert.That(firings.Select(firing => firing.Time), Is.EqualTo(new[] { Start.AddSeconds(1), Start.AddSeconds(5) }));
    }

    [Test]
    public void Above_EveryTime_IgnoresTheHysteresisMargin()
    {
        Add(TestRules.Above(200m, AlertFrequency.EveryTime()) with { HysteresisMargin = 10m });

        Assert.That(Feed.SendAll(201m, 202m, 203m), Has.Count.EqualTo(3));
    }

    [Test]
    public void Below_ManyRulesAtDifferentLevels_FireExactlyThoseAtOrAboveThePrice()
    {
        for (var level = 90; level <= 110; level++)
        {
            Add(TestRules.Below(level));
        }

        var firings = Feed.Send(100m);

        Assert.That(firings.Select(firing => firing.ComparedValue).Order(), Is.EqualTo(Enumerable.Range(100, 11).Select(level => (decimal)level)));
    }
}
