using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class LifecycleTests(EngineKind kind) : EngineTestBase(kind)
{
    private static readonly ActiveSchedule MarketHours = new(
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(9, 30),
        new TimeOnly(16, 0),
        "America/New_York");

    [Test]
    public void ConfirmationDelay_ConditionHoldsForTheWholeDelay_FiresAfterIt()
    {
        var rule = Add(TestRules.Above(200m) with { ConfirmationSeconds = 30 });

        var atStart = Feed.Send(201m);
        var stateAtStart = Runtime(rule).State;
        var midway = Feed.Send(202m, afterSeconds: 10);
        var atDelay = Feed.Send(203m, afterSeconds: 20);

        Assert.That(atStart, Is.Empty);
        Assert.That(stateAtStart, Is.EqualTo(RuleState.Pending));
        Assert.That(midway, Is.Empty);
        Assert.That(atDelay.Single().Price, Is.EqualTo(203m));
    }

    [Test]
    public void ConfirmationDelay_ConditionBreaksDuringTheDelay_CancelsAndRestartsTheClock()
    {
        var rule = Add(TestRules.Above(200m) with { ConfirmationSeconds = 30 });
        Feed.Send(201m);

        var broken = Feed.Send(199m, afterSeconds: 10);
        var state = Runtime(rule).State;
        var reason = Runtime(rule).Reason;
        var restarted = Feed.Send(201m, afterSeconds: 5);
        var tooEarly = Feed.Send(202m, afterSeconds: 20);
        var confirmed = Feed.Send(202m, afterSeconds: 10);

        Assert.That(broken, Is.Empty);
        Assert.That(state, Is.EqualTo(RuleState.Active));
        Assert.That(reason, Is.EqualTo(RuleStateReasons.ConfirmationLost));
        Assert.That(restarted, Is.Empty);
        Assert.That(tooEarly, Is.Empty);
        Assert.That(confirmed, Has.Count.EqualTo(1));
    }

    [Test]
    public void ConfirmationDelay_ReportsPendingAsAStateChange()
    {
        var rule = Add(TestRules.Above(200m) with { ConfirmationSeconds = 30 });

        Feed.Send(201m);

        var change = Feed.StateChanges.Last();
        Assert.That(change.RuleId, Is.EqualTo(rule.Id));
        Assert.That(change.State, Is.EqualTo(RuleState.Pending));
        Assert.That(change.Reason, Is.EqualTo(RuleStateReasons.Confirming));
    }

    [Test]
    public void ConfirmationDelay_CrossingRule_FiresWhenPriceStaysAboveTheLevel()
    {
        Add(TestRules.CrossesAbove(200m) with { ConfirmationSeconds = 30 });
        Feed.Send(190m);

        var atCross = Feed.Send(201m);
        var confirmed = Feed.Send(205m, afterSeconds: 30);

        Assert.That(atCross, Is.Empty);
        Assert.That(confirmed.Single().ComparedValue, Is.EqualTo(200m));
    }

    [Test]
    public void ConfirmationDelay_CrossingRuleThatFallsBack_WaitsForTheNextCross()
    {
        Add(TestRules.CrossesAbove(200m) with { ConfirmationSeconds = 30 });
        Feed.SendAll(190m, 201m);

        var fellBack = Feed.Send(195m, afterSeconds: 10);
        var stillBelow = Feed.Send(196m, afterSeconds: 30);
        var crossedAgain = Feed.Send(205m, afterSeconds: 30);
        var confirmed = Feed.Send(206m, afterSeconds: 30);

        Assert.That(fellBack, Is.Empty);
        Assert.That(stillBelow, Is.Empty);
        Assert.That(crossedAgain, Is.Empty);
        Assert.That(confirmed, Has.Count.EqualTo(1));
    }

    [Test]
    public void Expiry_BeforeExpiresAt_Fires()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { ExpiresAt = Start.AddSeconds(3) });

        Assert.That(Feed.SendAll(101m, 101m), Has.Count.EqualTo(2));
    }

    [Test]
    public void Expiry_AtExactlyExpiresAt_DoesNotFireAndTheRuleIsExpired()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { ExpiresAt = Start.AddSeconds(3) });
        Feed.SendAll(101m, 101m);

        var atExpiry = Feed.Send(101m);

        Assert.That(atExpiry, Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));
        Assert.That(Feed.StateChanges.Last().Reason, Is.EqualTo(RuleStateReasons.Expired));
        Assert.That(Feed.Send(101m), Is.Empty);
    }

    [Test]
    public void Expiry_OfAPendingRule_CancelsTheConfirmation()
    {
        var rule = Add(TestRules.Above(100m) with { ConfirmationSeconds = 30, ExpiresAt = Start.AddSeconds(20) });
        Feed.Send(101m);

        var afterExpiry = Feed.Send(101m, afterSeconds: 30);

        Assert.That(afterExpiry, Is.Empty);
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));
    }

    [Test]
    public void Schedule_OneSecondBeforeOpening_DoesNotFire()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { Schedule = MarketHours });

        Assert.That(Feed.SendAt(Start.AddSeconds(-1), 101m), Is.Empty);
    }

    [Test]
    public void Schedule_AtTheOpeningSecond_Fires()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { Schedule = MarketHours });

        Assert.That(Feed.SendAt(Start, 101m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Schedule_UntilTheClosingSecond_FiresAndAtCloseDoesNot()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { Schedule = MarketHours });

        var beforeClose = Feed.SendAt(new DateTime(2025, 3, 3, 20, 59, 59, DateTimeKind.Utc), 101m);
        var atClose = Feed.SendAt(new DateTime(2025, 3, 3, 21, 0, 0, DateTimeKind.Utc), 101m);

        Assert.That(beforeClose, Has.Count.EqualTo(1));
        Assert.That(atClose, Is.Empty);
    }

    [Test]
    public void Schedule_OnSaturday_DoesNotFire()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()) with { Schedule = MarketHours });

        Assert.That(Feed.SendAt(new DateTime(2025, 3, 8, 15, 0, 0, DateTimeKind.Utc), 101m), Is.Empty);
    }

    [Test]
    public void Schedule_CrossingBeforeOpening_IsNotReplayedAtOpening()
    {
        Add(TestRules.CrossesAbove(200m) with { Schedule = MarketHours });
        Feed.SendAt(Start.AddMinutes(-30), 190m);

        var beforeOpening = Feed.SendAt(Start.AddMinutes(-10), 201m);
        var afterOpening = Feed.SendAt(Start.AddMinutes(1), 205m);

        Assert.That(beforeOpening, Is.Empty);
        Assert.That(afterOpening, Is.Empty);
    }

    [Test]
    public void Schedule_PendingConfirmationThatRunsIntoClosing_IsCancelled()
    {
        var rule = Add(TestRules.Above(100m) with { Schedule = MarketHours, ConfirmationSeconds = 60 });
        Feed.SendAt(new DateTime(2025, 3, 3, 20, 59, 30, DateTimeKind.Utc), 101m);

        var afterClose = Feed.SendAt(new DateTime(2025, 3, 3, 21, 0, 30, DateTimeKind.Utc), 101m);

        Assert.That(afterClose, Is.Empty);
        Assert.That(Runtime(rule).Reason, Is.EqualTo(RuleStateReasons.OutsideSchedule));
    }

    [Test]
    public void Paused_RuleDoesNotFireUntilResumedByAnEdit()
    {
        var rule = Add(TestRules.Above(100m) with { Paused = true });

        var whilePaused = Feed.Send(101m);
        var state = Runtime(rule).State;
        Engine.Update(rule with { Paused = false });
        var afterResume = Feed.Send(102m);

        Assert.That(whilePaused, Is.Empty);
        Assert.That(state, Is.EqualTo(RuleState.Paused));
        Assert.That(afterResume, Has.Count.EqualTo(1));
    }

    [Test]
    public void Runaway_SixteenFiringsWithinThreeMinutes_PausesTheRuleWithReasonRunaway()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()));

        var firings = new List<FiringCandidate>();
        for (var tick = 0; tick < 20; tick++)
        {
            firings.AddRange(Feed.Send(101m));
        }

        Assert.That(firings, Has.Count.EqualTo(16));
        Assert.That(firings[^1].State, Is.EqualTo(RuleState.Paused));
        Assert.That(firings[^1].Reason, Is.EqualTo(RuleStateReasons.Runaway));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Paused));
        Assert.That(Runtime(rule).Reason, Is.EqualTo(RuleStateReasons.Runaway));
    }

    [Test]
    public void Runaway_FifteenFiringsInEveryThreeMinutes_KeepsFiring()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()));

        var firings = new List<FiringCandidate>();
        for (var tick = 0; tick < 40; tick++)
        {
            firings.AddRange(Feed.Send(101m, afterSeconds: 12));
        }

        Assert.That(firings, Has.Count.EqualTo(40));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
    }

    [Test]
    public void Runaway_AFiringOlderThanTheWindow_DoesNotCount()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()));
        Feed.Send(101m);

        // The first firing leaves the window just before the burst: fifteen in it keep the rule active, a sixteenth pauses it.
        var firings = new List<FiringCandidate>(Feed.Send(101m, afterSeconds: 181));
        for (var tick = 1; tick < 15; tick++)
        {
            firings.AddRange(Feed.Send(101m));
        }

        Assert.That(firings, Has.Count.EqualTo(15));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.Send(101m).Single().Reason, Is.EqualTo(RuleStateReasons.Runaway));
    }

    [Test]
    public void Runaway_PausedRule_FiresAgainAfterRearm()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()));
        for (var tick = 0; tick < 16; tick++)
        {
            Feed.Send(101m);
        }

        Engine.Rearm(rule.Id);

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
        Assert.That(Feed.Send(101m), Has.Count.EqualTo(1));
    }
}
