using System.Reflection;
using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

/// <summary>
/// The engine's per-rule types keep optional values as a value and a flag, not as nullables. Every optional property
/// (found by reflection, so one added later is checked too) must still tell "none" from zero, read back what was set,
/// leave the others alone, and count in the records' equality.
/// </summary>
public sealed class CompactValuesTests
{
    private static readonly DateTime SomeTime = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Test]
    public void AlertCondition_OptionalValues_RoundTripAndCountInEquality() =>
        CheckOptionals(() => new AlertCondition(ConditionType.Above));

    [Test]
    public void AlertRule_OptionalValues_RoundTripAndCountInEquality() =>
        CheckOptionals(() => new AlertRule(Guid.Empty, "user", "AAPL", new AlertCondition(ConditionType.Above) { Level = 1 }));

    [Test]
    public void RuleRuntime_OptionalValues_RoundTrip()
    {
        var runtime = new RuleRuntime();
        Assert.That(runtime.Armed, Is.True, "a new runtime is armed");
        // Its other flags set too, so a value's bit that collided with one of theirs would show.
        runtime.NoteFiring(SomeTime, forgetAtOrBefore: DateTime.MinValue);
        runtime.CompoundDue = true;
        CheckOptionals(() => runtime, equality: false);
        Assert.That((runtime.Armed, runtime.CompoundDue, runtime.RecentFiringCount), Is.EqualTo((true, true, 1)));

        runtime.CompoundHeld = true;
        Assert.That(runtime.CompoundHeld, Is.True);
        runtime.CompoundHeld = false;
        Assert.That(runtime.CompoundHeld, Is.False);
        runtime.CompoundHeld = null;
        Assert.That(runtime.CompoundHeld, Is.Null);
        runtime.Armed = false;
        runtime.CompoundDue = true;
        Assert.That((runtime.Armed, runtime.CompoundDue, runtime.CompoundHeld), Is.EqualTo((false, true, (bool?)null)));
    }

    [Test]
    public void RuleRuntime_RecentFirings_CountInlineThenQueued()
    {
        var runtime = new RuleRuntime();
        runtime.NoteFiring(SomeTime, forgetAtOrBefore: DateTime.MinValue);
        Assert.That(runtime.RecentFiringCount, Is.EqualTo(1));
        runtime.NoteFiring(SomeTime.AddSeconds(1), forgetAtOrBefore: DateTime.MinValue);
        runtime.NoteFiring(SomeTime.AddSeconds(2), forgetAtOrBefore: SomeTime);
        Assert.That(runtime.RecentFiringCount, Is.EqualTo(2), "the first fell out of the window");
        runtime.ForgetFirings();
        Assert.That(runtime.RecentFiringCount, Is.Zero);
        runtime.NoteFiring(SomeTime, forgetAtOrBefore: DateTime.MinValue);
        Assert.That(runtime.RecentFiringCount, Is.EqualTo(1));
    }

    [Test]
    public void RulePlacement_ReadsBackAndTellsNoneFromZero()
    {
        var placements = new[]
        {
            new RulePlacement(RuleState.Active, true, null, null, null, false),
            new RulePlacement(RuleState.Active, true, default(DateTime), null, null, false),
            new RulePlacement(RuleState.Active, true, null, null, default(DateTime), false),
            new RulePlacement(RuleState.Active, true, null, new WatchBand(null, null), null, false),
            new RulePlacement(RuleState.Active, true, null, new WatchBand(0m, null), null, false),
            new RulePlacement(RuleState.Active, true, null, new WatchBand(null, 0m), null, false),
            new RulePlacement(RuleState.Active, true, null, new WatchBand(0m, 0m), null, false),
            new RulePlacement(RuleState.Active, false, null, null, null, false),
            new RulePlacement(RuleState.Active, true, null, null, null, true),
            new RulePlacement(RuleState.Pending, true, null, null, null, false),
        };
        Assert.That(placements.Distinct().Count(), Is.EqualTo(placements.Length), "every one differs from every other");

        var full = new RulePlacement(RuleState.Triggered, false, SomeTime, new WatchBand(99.5m, 101.25m), SomeTime.AddHours(1), true);
        Assert.That(full, Is.EqualTo(new RulePlacement(RuleState.Triggered, false, SomeTime, new WatchBand(99.5m, 101.25m), SomeTime.AddHours(1), true)));
        Assert.Multiple(() =>
        {
            Assert.That(full.State, Is.EqualTo(RuleState.Triggered));
            Assert.That((full.Armed, full.Due), Is.EqualTo((false, true)));
            Assert.That(full.LastFiredAt, Is.EqualTo(SomeTime));
            Assert.That(full.LastFiredAt!.Value.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(full.Band, Is.EqualTo(new WatchBand(99.5m, 101.25m)));
            Assert.That(full.ParkedUntil, Is.EqualTo(SomeTime.AddHours(1)));
            Assert.That(placements[5].Band, Is.EqualTo(new WatchBand(null, 0m)));
            Assert.That(placements[0].Band, Is.Null);
        });
    }

    [Test]
    public void RuleSlot_PlacementAndDeadline_TellNoneFromDefault()
    {
        var slot = new RuleSlot(new AlertRule(Guid.Empty, "user", "AAPL", new AlertCondition(ConditionType.Above) { Level = 1 }), new RuleRuntime(), 1);
        Assert.That((slot.Placement, slot.QueuedDeadline), Is.EqualTo(((RulePlacement?)null, (DateTime?)null)));
        slot.Placement = default(RulePlacement);
        slot.QueuedDeadline = default(DateTime);
        Assert.That((slot.Placement, slot.QueuedDeadline), Is.EqualTo(((RulePlacement?)default(RulePlacement), (DateTime?)default(DateTime))));
        slot.Placement = null;
        slot.QueuedDeadline = SomeTime;
        Assert.That((slot.Placement, slot.QueuedDeadline), Is.EqualTo(((RulePlacement?)null, (DateTime?)SomeTime)));
    }

    // For each settable nullable property: none reads back as none, zero as zero (and differs from none), a value as
    // itself with every other property (flags such as Armed included) untouched; for records, setting it back to
    // none makes it equal to the fresh one again.
    private static void CheckOptionals<T>(Func<T> fresh, bool equality = true)
        where T : class
    {
        var optionals = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && Nullable.GetUnderlyingType(property.PropertyType) is not null)
            .ToList();
        Assert.That(optionals, Is.Not.Empty);
        foreach (var property in optionals)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType)!;
            foreach (var value in new[] { Activator.CreateInstance(type)!, Sample(type) })
            {
                var instance = fresh();
                var readable = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(other => other != property && other.GetIndexParameters().Length == 0).ToList();
                var others = readable.ToDictionary(other => other.Name, other => other.GetValue(instance));
                property.SetValue(instance, value);
                Assert.That(property.GetValue(instance), Is.EqualTo(value), $"{typeof(T).Name}.{property.Name} = {value}");
                if (value is DateTime time)
                {
                    Assert.That(((DateTime)property.GetValue(instance)!).Kind, Is.EqualTo(time.Kind), $"{property.Name} keeps its kind");
                }
                foreach (var other in readable)
                {
                    Assert.That(other.GetValue(instance), Is.EqualTo(others[other.Name]), $"{property.Name} left {other.Name} alone");
                }
                if (equality)
                {
                    Assert.That(instance, Is.Not.EqualTo(fresh()), $"{typeof(T).Name} with {property.Name} = {value} differs from one without");
                }
                property.SetValue(instance, null);
                Assert.That(property.GetValue(instance), Is.Null, $"{property.Name} back to none");
                if (equality)
                {
                    Assert.That(instance, Is.EqualTo(fresh()), $"{typeof(T).Name} with {property.Name} set and cleared equals a fresh one");
                    Assert.That(instance.GetHashCode(), Is.EqualTo(fresh().GetHashCode()));
                }
            }
        }
    }

    private static object Sample(Type type) => type switch
    {
        _ when type == typeof(decimal) => 12.75m,
        _ when type == typeof(int) => 7,
        _ when type == typeof(bool) => true,
        _ when type == typeof(DateTime) => SomeTime,
        _ when type.IsEnum => Enum.GetValues(type).Cast<object>().Last(),
        _ => throw new AssertionException($"no sample value for {type.Name}"),
    };
}
