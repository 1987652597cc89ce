using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

[TestFixture(EngineKind.Index)]
[TestFixture(EngineKind.Naive)]
public sealed class FrequencyTests(EngineKind kind) : EngineTestBase(kind)
{
    [Test]
    public void OncePerDay_FiresOncePerDayInTheUsersTimeZone()
    {
        Add(TestRules.Above(100m, AlertFrequency.OncePerDay) with { TimeZoneId = "America/New_York" });

        var morning = Feed.SendAt(Start.AddMinutes(1), 101m);
        var afternoon = Feed.SendAt(new DateTime(2025, 3, 3, 20, 0, 0, DateTimeKind.Utc), 102m);
        var afterUtcMidnightBeforeLocalMidnight = Feed.SendAt(new DateTime(2025, 3, 4, 4, 59, 59, DateTimeKind.Utc), 101m);
        var afterLocalMidnight = Feed.SendAt(new DateTime(2025, 3, 4, 5, 0, 0, DateTimeKind.Utc), 101m);

        Assert.That(morning, Has.Count.EqualTo(1));
        Assert.That(afternoon, Is.Empty);
        Assert.That(afterUtcMidnightBeforeLocalMidnight, Is.Empty);
        Assert.That(afterLocalMidnight, Has.Count.EqualTo(1));
    }

    [Test]
    public void OncePerDay_StaysActiveBetweenFirings()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.OncePerDay));

        Feed.Send(101m);

        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Active));
    }

    [Test]
    public void EveryTime_FiresAgainExactlyWhenTheCooldownHasElapsed()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime(cooldownSeconds: 30)));

        var first = Feed.Send(101m);
        var justBefore = Feed.Send(101m, afterSeconds: 29);
        var atCooldown = Feed.Send(101m, afterSeconds: 1);

        Assert.That(first, Has.Count.EqualTo(1));
        Assert.That(justBefore, Is.Empty);
        Assert.That(atCooldown, Has.Count.EqualTo(1));
    }

    [Test]
    public void MaxFires_StopsAfterTheLimitAndExpiresTheRule()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime(maxFires: 3)));

        var firings = Feed.SendAll(101m, 102m, 103m, 104m, 105m);

        Assert.That(firings, Has.Count.EqualTo(3));
        Assert.That(firings[^1].State, Is.EqualTo(RuleState.Expired));
        Assert.That(firings[^1].Reason, Is.EqualTo(RuleStateReasons.MaxFires));
        Assert.That(Runtime(rule).State, Is.EqualTo(RuleState.Expired));
    }

    [Test]
    public void MaxFires_RaisedByAnEdit_LetsTheRuleFireAgain()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime(maxFires: 1)));
        Feed.Send(101m);

        Engine.Update(rule with { Frequency = AlertFrequency.EveryTime(maxFires: 2) });

        Assert.That(Feed.SendAll(102m, 103m), Has.Count.EqualTo(1));
    }

    [Test]
    public void Firings_CarryIncreasingSequenceAndVersion()
    {
        Add(TestRules.Above(100m, AlertFrequency.EveryTime()));

        var firings = Feed.SendAll(101m, 102m, 103m);

        Assert.That(firings.Select(firing => firing.Sequence), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(firings.Select(firing => firing.Version), Is.Ordered.Ascending);
        Assert.That(firings.Select(firing => firing.Version).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void Firing_RecordsLastFiredAtPriceAndCount()
    {
        var rule = Add(TestRules.Above(100m, AlertFrequency.EveryTime()));

        Feed.SendAll(101m, 102m);

        var runtime = Runtime(rule);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(runtime.FireCount, Is.EqualTo(2));
            Assert.That(runtime.LastFiredPrice, Is.EqualTo(102m));
            Assert.That(runtime.LastFiredAt, Is.EqualTo(Feed.Now));
        }
    }
}
