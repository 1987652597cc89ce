using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

/// <summary>What depends on time alone happens on time, without waiting for a new price (a quiet feed may send none for hours).</summary>
[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class ClockTests(EngineKind kind) : EngineTestBase(kind)
{
    [Test]
    public void AConfirmation_WithThePriceHeldFlat_FiresWhenItsTimeIsUp()
    {
        var rule = Add(TestRules.CrossesAbove(100m) with { ConfirmationSeconds = 6 });
        Feed.Send(99m);
        Feed.Send(101m);

        var early = Engine.AdvanceClock(Feed.Now.AddSeconds(5), Feed.StateChanges);
        var due = Engine.AdvanceClock(Feed.Now.AddSeconds(6), Feed.StateChanges);

        Assert.That(early, Is.Empty);
        Assert.That(due.Single().Price, Is.EqualTo(101m));
        Assert.That(due.Single().Time, Is.EqualTo(Feed.Now.AddSeconds(6)));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));
        Assert.That(Engine.AdvanceClock(Feed.Now.AddSeconds(20), Feed.StateChanges), Is.Empty, "once is once");
    }

    [Test]
    public void AConfirmation_LostBeforeItsTime_DoesNotFireByTheClock()
    {
        var rule = Add(TestRules.Above(100m) with { ConfirmationSeconds = 6 });
        Feed.Send(101m);
        Feed.Send(99m, afterSeconds: 2);

        Assert.That(Engine.AdvanceClock(Feed.Now.AddSeconds(10), Feed.StateChanges), Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
    }

    [Test]
    public void ARearmAfterSeconds_ShowsActive_WhenDue_WithoutANewPrice()
    {
        var rule = Add(TestRules.CrossesAbove(100m) with { RearmAfterSeconds = 8 });
        Feed.Send(99m);
        Feed.Send(101m);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Triggered));

        Engine.AdvanceClock(Feed.Now.AddSeconds(7), Feed.StateChanges);
        var before = Runtime(rule).State;
        Engine.AdvanceClock(Feed.Now.AddSeconds(8), Feed.StateChanges);

        Assert.That(before, Is.EqualTo(RuleState.Triggered));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.StateChanges.Last(change => change.RuleId == rule.Id).Reason, Is.EqualTo(RuleStateReasons.RearmedByTime));
    }

    [Test]
    public void AnExpiry_HappensAtItsTime_WithoutANewPrice()
    {
        var rule = Add(TestRules.Above(200m) with { ExpiresAt = Start.AddMinutes(5) });
        Feed.Send(150m);

        Engine.AdvanceClock(Start.AddMinutes(5).AddSeconds(-1), Feed.StateChanges);
        var before = Runtime(rule).State;
        Engine.AdvanceClock(Start.AddMinutes(5), Feed.StateChanges);

        Assert.That(before, Is.EqualTo(RuleState.Active));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));
    }

    [Test]
    public void TheClock_NeverFiresOnAStaleFeed()
    {
        Add(TestRules.CrossesAbove(100m) with { ConfirmationSeconds = 6 });
        Feed.Send(99m);
        Feed.Send(101m);
        Feed.SendStale(101m, afterSeconds: 2);

        Assert.That(Engine.AdvanceClock(Feed.Now.AddSeconds(30), Feed.StateChanges), Is.Empty);
    }
}
