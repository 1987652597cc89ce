using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class LevelIndexTests
{
    private long nextSequence;

    [Test]
    public void CollectBetween_IncludesBothBoundsAndNothingOutside()
    {
        var index = new LevelIndex();
        var slots = new[] { 99m, 100m, 105m, 110m, 111m }.Select(level => (Level: level, Slot: NewSlot())).ToList();
        foreach (var (level, slot) in slots)
        {
            index.Add(level, slot);
        }

        var found = new List<RuleSlot>();
        index.CollectBetween(100m, 110m, found, stamp: 1);

        Assert.That(found, Is.EqualTo(new[] { slots[1].Slot, slots[2].Slot, slots[3].Slot }));
    }

    [Test]
    public void CollectBetween_ReturnsEveryRuleSharingALevel()
    {
        var index = new LevelIndex();
        var first = NewSlot();
        var second = NewSlot();
        index.Add(100m, first);
        index.Add(100m, second);

        var found = new List<RuleSlot>();
        index.CollectBetween(100m, 100m, found, stamp: 1);

        Assert.That(found, Is.EquivalentTo(new[] { first, second }));
    }

    [Test]
    public void Remove_TakesOutOnlyThatRulesEntry()
    {
        var index = new LevelIndex();
        var kept = NewSlot();
        var removed = NewSlot();
        index.Add(100m, kept);
        index.Add(100m, removed);

        index.Remove(100m, removed);
        var found = new List<RuleSlot>();
        index.CollectAtOrBelow(100m, found, stamp: 1);

        Assert.That(found, Is.EqualTo(new[] { kept }));
        Assert.That(index.Count, Is.EqualTo(1));
    }

    [Test]
    public void Collect_WithTheSameStamp_AddsARuleOnlyOnce()
    {
        var index = new LevelIndex();
        var slot = NewSlot();
        index.Add(100m, slot);
        index.Add(110m, slot);

        var found = new List<RuleSlot>();
        index.CollectAtOrAbove(90m, found, stamp: 1);
        index.CollectAtOrBelow(120m, found, stamp: 1);

        Assert.That(found, Has.Count.EqualTo(1));
    }

    [Test]
    public void CollectAtOrBelowAndAtOrAbove_AreInclusiveHalfLines()
    {
        var index = new LevelIndex();
        var low = NewSlot();
        var high = NewSlot();
        index.Add(100m, low);
        index.Add(200m, high);

        var atOrBelow = new List<RuleSlot>();
        var atOrAbove = new List<RuleSlot>();
        index.CollectAtOrBelow(100m, atOrBelow, stamp: 1);
        index.CollectAtOrAbove(200m, atOrAbove, stamp: 2);

        Assert.That(atOrBelow, Is.EqualTo(new[] { low }));
        Assert.That(atOrAbove, Is.EqualTo(new[] { high }));
    }

    [Test]
    public void CollectBetween_OnAnEmptyIndexOrAnInvertedRange_FindsNothing()
    {
        var index = new LevelIndex();
        var found = new List<RuleSlot>();
        index.CollectBetween(0m, 1000m, found, stamp: 1);
        index.Add(100m, NewSlot());
        index.CollectBetween(110m, 90m, found, stamp: 2);

        Assert.That(found, Is.Empty);
    }

    private RuleSlot NewSlot() => new(TestRules.Above(1m), new RuleRuntime(), ++nextSequence);
}
