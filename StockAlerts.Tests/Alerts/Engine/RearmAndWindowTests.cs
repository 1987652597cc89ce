using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

/// <summary>Scripted paths from #19: maxFires after a re-arm, and a window move that starts at the price a rule was created at.</summary>
[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class RearmAndWindowTests(EngineKind kind) : EngineTestBase(kind)
{
    [Test]
    public void ARuleThatUsedUpItsMaxFires_ReArmedByTheUser_FiresMaxFiresTimesMore()
    {
        var rule = Add(TestRules.CrossesAbove(100m, AlertFrequency.EveryTime(maxFires: 2)));
        var first = Feed.SendAll(99m, 101m, 99m, 101m, 99m, 101m);
        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));

        Assert.That(Engine.Rearm(rule.Id), Is.True);
        var state = Runtime(rule).State;
        var second = Feed.SendAll(99m, 101m, 99m, 101m, 99m, 101m);

        Assert.That(state, Is.EqualTo(RuleState.Active), "never active unless it can fire");
        Assert.That(second, Has.Count.EqualTo(2));
        Assert.That(second.Select(firing => firing.Sequence), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));
    }

    [Test]
    public void AWindowMove_FromThePriceTheRuleWasCreatedAt_Fires()
    {
        Feed.Send(100m);
        Add(TestRules.Move(ConditionType.MovesUp, windowMinutes: 5, amount: 5m));

        var firings = Feed.SendAll(103m, 106m);

        Assert.That(firings.Single().Price, Is.EqualTo(106m));
        Assert.That(firings.Single().ComparedValue, Is.EqualTo(100m));
    }
}
