using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class ChannelConditionTests(EngineKind kind) : EngineTestBase(kind)
{
    [TestCase(95, 105, 1)]
    [TestCase(115, 108, 1)]
    [TestCase(95, 100, 1)]
    [TestCase(115, 110, 1)]
    [TestCase(95, 115, 0)]
    [TestCase(101, 109, 0)]
    [TestCase(90, 99, 0)]
    public void EntersChannel_FiresOnlyWhenPriceMovesFromOutsideToInside(int start, int end, int expected)
    {
        Add(TestRules.Channel(ConditionType.EntersChannel, 100m, 110m));
        Feed.Send(start);

        Assert.That(Feed.Send(end), Has.Count.EqualTo(expected));
    }

    [TestCase(105, 111, 1)]
    [TestCase(105, 99, 1)]
    [TestCase(100, 120, 1)]
    [TestCase(105, 110, 0)]
    [TestCase(105, 100, 0)]
    [TestCase(95, 115, 0)]
    public void ExitsChannel_FiresOnlyWhenPriceMovesFromInsideToOutside(int start, int end, int expected)
    {
        Add(TestRules.Channel(ConditionType.ExitsChannel, 100m, 110m));
        Feed.Send(start);

        Assert.That(Feed.Send(end), Has.Count.EqualTo(expected));
    }

    [Test]
    public void ExitsChannel_Upward_ReportsTheUpperBoundAsComparedValue()
    {
        Add(TestRules.Channel(ConditionType.ExitsChannel, 100m, 110m));
        Feed.Send(105m);

        var firing = Feed.Send(112m).Single();

        Assert.That(firing.ComparedValue, Is.EqualTo(110m));
        Assert.That(firing.Description, Is.EqualTo("price 112 left the channel 100 to 110"));
    }

    [Test]
    public void InsideChannel_Once_FiresOnFirstPriceInsideThenIsTriggered()
    {
        var rule = Add(TestRules.Channel(ConditionType.InsideChannel, 100m, 110m));

        var firings = Feed.SendAll(90m, 120m, 100m, 105m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 100m }));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
    }

    [Test]
    public void InsideChannel_EveryTimeWithCooldown_FiresWhileInsideNoMoreOftenThanCooldown()
    {
        Add(TestRules.Channel(ConditionType.InsideChannel, 100m, 110m, AlertFrequency.EveryTime(cooldownSeconds: 2)));

        var firings = Feed.SendAll(105m, 106m, 107m, 120m, 108m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 105m, 107m, 108m }));
    }

    [Test]
    public void OutsideChannel_EveryTime_FiresBelowAndAboveButNotInside()
    {
        Add(TestRules.Channel(ConditionType.OutsideChannel, 100m, 110m, AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(95m, 100m, 105m, 110m, 115m);

        Assert.That(firings.Select(firing => firing.Price), Is.EqualTo(new[] { 95m, 115m }));
    }

    [Test]
    public void EntersChannel_WithHysteresis_RearmsOnlyAfterLeavingByTheMargin()
    {
        Add(TestRules.Channel(ConditionType.EntersChannel, 100m, 110m, AlertFrequency.EveryTime()) with { HysteresisMargin = 2m });

        var firings = Feed.SendAll(95m, 105m, 99m, 105m, 98m, 105m, 111m, 104m, 112m, 104m);

        Assert.That(firings.Select(firing => firing.Time), Is.EqualTo(new[] { Start.AddSeconds(2), Start.AddSeconds(6), Start.AddSeconds(10) }));
    }

    [Test]
    public void ExitsChannel_WithHysteresis_RearmsOnlyDeepInsideTheChannel()
    {
        Add(TestRules.Channel(ConditionType.ExitsChannel, 100m, 110m, AlertFrequency.EveryTime()) with { HysteresisMargin = 2m });

        var firings = Feed.SendAll(105m, 111m, 109m, 111m, 105m, 111m);

        Assert.That(firings.Select(firing => firing.Time), Is.EqualTo(new[] { Start.AddSeconds(2), Start.AddSeconds(6) }));
    }
}
