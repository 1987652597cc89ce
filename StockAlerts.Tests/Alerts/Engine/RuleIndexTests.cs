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

    // The scanned-looking conditions are indexed too: while the price wanders inside every rule's band, no rule
    // is handed to the evaluator at all; a tick past a band visits only the rules it concerns.
    [Test]
    public void Evaluate_PriceWanderingInsideTheBands_VisitsNoTrailingStepPercentOrWindowRule()
    {
        var index = new RuleIndex();
        var rules = new List<AlertRule>();
        for (var percent = 2; percent <= 9; percent++)
        {
            for (var copy = 0; copy < 25; copy++)
            {
                rules.Add(TestRules.Trailing(ConditionType.TrailingDrawdown, percent: percent));
                rules.Add(TestRules.Trailing(ConditionType.TrailingRise, percent: percent));
                rules.Add(TestRules.Step(percent: percent));
                rules.Add(TestRules.PercentChange(ReferenceKind.PreviousClose, percent, referencePrice: 100m));
                rules.Add(TestRules.PercentChange(ReferenceKind.DayOpen, -percent, referencePrice: 100m));
                rules.Add(TestRules.Move(ConditionType.MovesUp, 30, percent: percent));
                rules.Add(TestRules.Move(ConditionType.MovesDown, 30, percent: percent));
                rules.Add(TestRules.Above(100m + percent, AlertFrequency.EveryTime(600)));
            }
        }

        foreach (var rule in rules)
        {
            index.Add(rule);
        }

        index.Evaluate(new PriceTick(TestRules.Symbol, 100m, null, Start) { PreviousClose = 100m, DayOpen = 100m });
        index.Evaluate(new PriceTick(TestRules.Symbol, 99.5m, null, Start.AddSeconds(1)));
        index.Evaluate(new PriceTick(TestRules.Symbol, 100.5m, null, Start.AddSeconds(2)));
        var afterSettling = index.Visited;
        var time = Start.AddSeconds(2);
        foreach (var price in new[] { 100.4m, 99.7m, 100.2m, 99.6m, 100.1m, 99.9m, 100.45m })
        {
            time = time.AddSeconds(5);
            Assert.That(index.Evaluate(new PriceTick(TestRules.Symbol, price, null, time)), Is.Empty);
        }

        var wandering = index.Visited - afterSettling;
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 102.1m, null, time.AddSeconds(5)));
        var pastTheFirstBands = index.Visited - afterSettling - wandering;

        Assert.That(wandering, Is.Zero);
        Assert.That(firings.Select(firing => index.FindRuntime(firing.RuleId)).Distinct().Count(), Is.EqualTo(firings.Count));
        Assert.That(firings, Has.Count.EqualTo(5 * 25), "the 2% percent change, step, window move and trailing rise, and above 102");
        Assert.That(pastTheFirstBands, Is.LessThan(rules.Count / 4));
    }

    // Trailing rules that share the symbol's peak sit in one group: a run of new peaks visits none of them (each
    // used to be moved in the indexes on every one), a drop visits only those it brings to their distance, and the
    // runtime read afterwards carries the peak the rule followed.
    [Test]
    public void Evaluate_NewPeaksWithTrailingRulesSharingThem_VisitNoRule_AndADropVisitsOnlyThoseItReaches()
    {
        var index = new RuleIndex();
        var rules = Enumerable.Range(1, 100).Select(step => TestRules.Trailing(ConditionType.TrailingDrawdown, percent: step / 10m)).ToList();
        foreach (var rule in rules)
        {
            index.Add(rule);
        }

        index.Evaluate(new PriceTick(TestRules.Symbol, 100m, null, Start));
        var before = index.Visited;
        var time = Start;
        for (var price = 100.5m; price <= 110m; price += 0.5m)
        {
            time = time.AddSeconds(1);
            Assert.That(index.Evaluate(new PriceTick(TestRules.Symbol, price, null, time)), Is.Empty);
        }

        var climbing = index.Visited - before;
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 108.9m, null, time.AddSeconds(1)));
        var dropping = index.Visited - before - climbing;

        Assert.That(climbing, Is.Zero);
        Assert.That(firings.Select(firing => firing.Rule), Is.EquivalentTo(rules.Take(10)), "a drop of 1% from 110 reaches the rules of 0.1% to 1%");
        Assert.That(firings.Select(firing => firing.ComparedValue).Distinct(), Is.EqualTo(new[] { 110m }));
        Assert.That(dropping, Is.LessThanOrEqualTo(11));
        Assert.That(index.FindRuntime(rules[50].Id)!.TrailingExtreme, Is.EqualTo(110m));
    }

    [Test]
    public void Prime_OnANewSymbol_ActivatesRestoredRulesWithoutFiringAndTheNextTickComparesWithIt()
    {
        var index = new RuleIndex();
        var above = TestRules.Above(100m);
        var crossing = TestRules.CrossesAbove(160m);
        index.Add(above, new RuleRuntime());
        index.Add(crossing, new RuleRuntime());
        var waiting = index.FindRuntime(above.Id)!.State;

        var changes = new List<RuleStateChange>();
        var primed = index.Prime(new PriceTick(TestRules.Symbol, 150m, null, Start), changes);
        var activeAfterPriming = index.FindRuntime(above.Id)!.State;
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 161m, null, Start.AddSeconds(1)));
        var primedAgain = index.Prime(new PriceTick(TestRules.Symbol, 10m, null, Start.AddSeconds(2)));

        Assert.That(waiting, Is.EqualTo(RuleState.NoData));
        Assert.That(primed, Is.True);
        Assert.That(activeAfterPriming, Is.EqualTo(RuleState.Active), "priming evaluates nothing: the price already was");
        Assert.That(changes.Select(change => (change.RuleId, change.State)), Is.EquivalentTo(new[] { (above.Id, RuleState.Active), (crossing.Id, RuleState.Active) }), "reported, to be saved");
        Assert.That(firings.Select(firing => firing.RuleId), Is.EquivalentTo(new[] { above.Id, crossing.Id }), "150 -> 161 crosses 160");
        Assert.That(primedAgain, Is.False, "a symbol the index has seen is never re-primed");
    }

    // A symbol whose last rule went away stops being followed by its rules; a rule added hours later must compare
    // the next tick with the stored price of now, not with the one from when the old rule was there.
    [Test]
    public void Prime_OnASymbolWhoseRulesWereRemoved_StartsOverFromTheNewerQuote()
    {
        var index = new RuleIndex();
        var old = TestRules.Above(500m);
        index.Add(old);
        index.Evaluate(new PriceTick(TestRules.Symbol, 100m, null, Start));
        index.Remove(old.Id);

        var primed = index.Prime(new PriceTick(TestRules.Symbol, 130m, null, Start.AddHours(5)));
        index.Add(TestRules.CrossesAbove(120m));
        var firings = index.Evaluate(new PriceTick(TestRules.Symbol, 130.5m, null, Start.AddHours(5).AddSeconds(1)));

        Assert.That(primed, Is.True);
        Assert.That(firings, Is.Empty, "130 -> 130.5 crosses nothing; 100 -> 130.5 would have");
    }

    [Test]
    public void Update_ManyTimesWithAFarExpiry_KeepsTheDeadlineQueueBoundedAndStillExpires()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(500m) with { ExpiresAt = Start.AddDays(90) };
        index.Add(rule);
        index.Evaluate(new PriceTick(TestRules.Symbol, 100m, null, Start));
        for (var edit = 0; edit < 1000; edit++)
        {
            index.Update(rule with { ExpiresAt = Start.AddDays(90).AddSeconds(edit) });
        }

        var queued = index.QueuedDeadlines(TestRules.Symbol);
        index.Evaluate(new PriceTick(TestRules.Symbol, 101m, null, Start.AddDays(91)));

        Assert.That(queued, Is.LessThanOrEqualTo(66));
        Assert.That(index.FindRuntime(rule.Id)!.State, Is.EqualTo(RuleState.Expired));
    }

    [Test]
    public void Prime_WithAStaleQuote_LeavesRulesWaiting()
    {
        var index = new RuleIndex();
        var rule = TestRules.Above(100m);
        index.Add(rule, new RuleRuntime());

        Assert.That(index.Prime(new PriceTick(TestRules.Symbol, 150m, null, Start, IsStale: true)), Is.False);
        Assert.That(index.FindRuntime(rule.Id)!.State, Is.EqualTo(RuleState.NoData));
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
