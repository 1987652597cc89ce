using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class RuleIndexTests
{
    private static readonly DateTime Start = new(2025, 3, 3, 14, 30, 0, DateTimeKind.Utc);

    [Test]
    public void Add_WithAnIdAlreadyInTheIndex_ReturnsFalse()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m);

        Assert.That(index.Add(rule), Is.True);
        Assert.That(index.Add(rule), Is.False);
        Assert.That(index.Count, Is.EqualTo(1));
    }

    [Test]
    public void UpdateRemoveAndRearm_OfAnUnknownRule_ReturnFalse()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m);

        Assert.That(index.Update(rule), Is.False);
        Assert.That(index.Remove(rule.Id), Is.False);
        Assert.That(index.Rearm(rule.Id), Is.False);
    }

    [Test]
    public void Evaluate_ManyCrossingRules_FiresExactlyThoseWhoseLevelLiesInTheMove()
    {
        var index = new RuleIndex();
        for (var level = 100; level <= 200; level++)
        {
            index.Add(TestRules.CrossesAbove(level));
            index.Add(TestRules.CrossesBelow(level));
        }

        index.Evaluate(new PriceTick(TestRules.Symbol, 150.5m, null, Start));
        var up = index.Evaluate(new PriceTick(TestRules.Symbol, 160.2m, null, Start.AddSeconds(1)));
        var down = index.Evaluate(new PriceTick(TestRules.Symbol, 155m, null, Start.AddSeconds(2)));

        Assert.That(up.Select(firing => firing.ComparedValue).Order(), Is.EqualTo(Enumerable.Range(151, 10).Select(level => (decimal)level)));
        Assert.That(down.Select(firing => firing.ComparedValue).Order(), Is.EqualTo(Enumerable.Range(155, 6).Select(level => (decimal)level)));
    }

    [Test]
    public void Update_MovingARuleToAnotherSymbol_EvaluatesItOnTheNewSymbolOnly()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m, AlertFrequency.EveryTime());
        index.Add(rule);

        index.Update(rule with { Symbol = "MSFT" });
        var onOldSymbol = index.Evaluate(new PriceTick(TestRules.Symbol, 150m, null, Start));
        var onNewSymbol = index.Evaluate(new PriceTick("MSFT", 150m, null, Start));

        Assert.That(onOldSymbol, Is.Empty);
        Assert.That(onNewSymbol.Single().Symbol, Is.EqualTo("MSFT"));
    }

    [Test]
    public void Add_WithARestoredTriggeredRuntime_KeepsTheRuleLatched()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m);
        var stored = new RuleRuntime { State = RuleState.Triggered, Reason = RuleStateReasons.Fired, FireCount = 1, Version = 7, LastFiredAt = Start };

        index.Add(rule, stored);
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 150m, null, Start.AddMinutes(1)));

        Assert.That(firings, Is.Empty);
        Assert.That(index.FindRuntime(rule.Id), Is.SameAs(stored));
        Assert.That(stored.Version, Is.EqualTo(7));
    }

    [Test]
    public void Add_WithARestoredActiveRuntime_ContinuesTheFiringSequence()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m, AlertFrequency.EveryTime());
        index.Add(rule, new RuleRuntime { FireCount = 4, Version = 9, LastFiredAt = Start });

        var firing = index.Evaluate(new PriceTick(TestRules.Symbol, 150m, null, Start.AddMinutes(1))).Single();

        Assert.That(firing.Sequence, Is.EqualTo(5));
        Assert.That(firing.Version, Is.GreaterThan(9));
    }

    [Test]
    public void Remove_ThenAddAgain_IndexesTheRuleFromScratch()
    {
        var index = new RuleIndex();
        var rule = TestRules.CrossesAbove(200m, AlertFrequency.EveryTime());
        index.Add(rule);
        index.Evaluate(new PriceTick(TestRules.Symbol, 190m, null, Start));

        index.Remove(rule.Id);
        index.Add(rule);
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 210m, null, Start.AddSeconds(1)));

        Assert.That(firings, Has.Count.EqualTo(1));
        Assert.That(index.Count, Is.EqualTo(1));
    }
}
