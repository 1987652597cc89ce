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

    // Thousands of entries force the index to split its chunks and empty some of them; every query must still
    // match a brute-force filter of what is in it.
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Queries_MatchABruteForceFilter_ThroughManyAddsAndRemovals(int seed)
    {
        var random = new Random(seed);
        var index = new LevelIndex();
        var present = new List<(decimal Level, RuleSlot Slot)>();
        var stamp = 0L;
        for (var step = 0; step < 20_000; step++)
        {
            if (present.Count > 0 && random.Next(3) == 0)
            {
                var position = random.Next(present.Count);
                index.Remove(present[position].Level, present[position].Slot);
                present.RemoveAt(position);
            }
            else
            {
                var entry = (Level: random.Next(0, 400) * 0.25m, Slot: NewSlot());
                index.Add(entry.Level, entry.Slot);
                present.Add(entry);
            }

            if (step % 97 == 0)
            {
                var low = random.Next(-10, 410) * 0.25m;
                var high = low + (random.Next(0, 40) * 0.25m);
                var found = new List<RuleSlot>();
                index.CollectBetween(low, high, found, ++stamp);
                var expected = present.Where(entry => entry.Level >= low && entry.Level <= high).OrderBy(entry => entry.Level).ThenBy(entry => entry.Slot.Sequence);
                Assert.That(found, Is.EqualTo(expected.Select(entry => entry.Slot)), $"between {low} and {high} at step {step}");
                Assert.That(index.Count, Is.EqualTo(present.Count));
            }
        }
    }

    private RuleSlot NewSlot() => new(TestRules.Above(1m), new RuleRuntime(), ++nextSequence);
}
