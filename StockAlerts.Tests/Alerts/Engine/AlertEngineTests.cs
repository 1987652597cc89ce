using NUnit.Framework;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class AlertEngineTests
{
    private static readonly DateTime Start = new(2025, 3, 3, 14, 30, 0, DateTimeKind.Utc);

    // A rule announced by another instance is added without priming; the engine must have followed the symbol
    // while it had no rules, or the next tick would be compared with the price from when the last rule left.
    [Test]
    public void RuleAddedAfterTheSymbolHadNoRules_ComparesWithTheLatestPriceNotAnOldOne()
    {
        var engine = new AlertEngine();
        engine.MarkReady();
        var old = Rule(level: 500m);
        engine.Upsert(old, Start);
        engine.Evaluate([Change(100m, null, Start)], []);
        engine.Remove(old.Id);
        engine.Evaluate([Change(130m, 100m, Start.AddHours(5))], []);

        engine.Upsert(Rule(level: 120m), Start.AddHours(5));
        var evaluation = engine.Evaluate([Change(130.5m, 130m, Start.AddHours(5).AddSeconds(1))], []);

        Assert.That(evaluation.Firings, Is.Empty, "130 -> 130.5 crosses nothing; 100 -> 130.5 would have");
    }

    [Test]
    public void InACluster_TheIndexHoldsOnlyTheRulesOfItsShards()
    {
        var engine = new AlertEngine();
        var xyz = Rule(level: 120m);
        var other = Rule(level: 120m);
        other.Symbol = Enumerable.Range(0, 100).Select(index => $"S{index}").First(symbol => Shards.Of(symbol) != Shards.Of("XYZ"));
        engine.Upsert([xyz, other], Start);

        var dropped = engine.Own(1UL << Shards.Of("XYZ"));
        engine.Upsert(other, Start);

        Assert.That(dropped, Is.EqualTo(1), "the rule of the shard given up left");
        Assert.That(engine.RuntimeOf(other.Id), Is.Null, "a rule of a shard not owned is not taken in");
        Assert.That(engine.RuntimeOf(xyz.Id), Is.Not.Null);
        Assert.That(engine.SymbolsInUse(), Is.EqualTo(new[] { "XYZ" }));

        engine.Own(Shards.All);
        engine.Upsert(other, Start);
        Assert.That(engine.Count, Is.EqualTo(2), "owning the shard again, its rule is taken in");
    }

    // Prices of other instances' shards are only noted; taking the shard back must start from the last one noted.
    [Test]
    public void AShardGivenAwayAndTakenBack_JudgesTheNextMoveFromTheLastPriceReceived_NotTheOneBeforeItLeft()
    {
        var engine = new AlertEngine();
        engine.MarkReady();
        engine.Evaluate([Change(100m, null, Start)], []);
        engine.Own(Shards.All & ~(1UL << Shards.Of("XYZ")));
        var whileAway = engine.Evaluate([Change(130m, 100m, Start.AddMinutes(1))], []);

        engine.Own(Shards.All);
        var rule = Rule(level: 120m);
        engine.Upsert(rule, Start.AddMinutes(1));
        var evaluation = engine.Evaluate([Change(130.5m, 130m, Start.AddMinutes(2))], []);

        Assert.That(whileAway.RulesEvaluated, Is.Zero);
        Assert.That(evaluation.Firings, Is.Empty, "130 -> 130.5 crosses nothing; 100 -> 130.5 would have");
        Assert.That(engine.RuntimeOf(rule.Id)!.State, Is.EqualTo(StockAlerts.Modules.Alerts.EvaluateAlerts.RuleState.Active), "started from the noted price, not waiting for one");
    }

    [Test]
    public void AShardTakenBackWhileItsFeedIsStale_ShowsItsRulesNoData_AndTheFirstPriceAfterTheGapIsComparedWithTheLastBeforeIt()
    {
        var engine = new AlertEngine();
        engine.MarkReady();
        engine.Own(Shards.All & ~(1UL << Shards.Of("XYZ")));
        engine.Evaluate([Change(100m, null, Start)], []);
        engine.MarkStale([new SymbolStale("XYZ", 100m, Start, Start.AddMinutes(5))], []);

        engine.Own(Shards.All);
        var rule = Rule(level: 120m);
        engine.Upsert(rule, Start.AddMinutes(6));
        var stale = engine.RuntimeOf(rule.Id)!.State;
        var evaluation = engine.Evaluate([Change(130m, 100m, Start.AddMinutes(7)) with { AfterGap = true }], []);

        Assert.That(stale, Is.EqualTo(StockAlerts.Modules.Alerts.EvaluateAlerts.RuleState.NoData));
        Assert.That(evaluation.Firings.Select(firing => (firing.RuleId, firing.Price)), Is.EqualTo(new[] { (rule.Id, 130m) }), "100 before the gap -> 130 after it crosses 120, as on an instance that followed the symbol");
    }

    // A compound rule of an owned symbol may name a symbol of another instance's shard: that one's prices must reach it.
    [Test]
    public void ASymbolOfAnotherShard_NamedByAnIndexedCompound_IsFollowed()
    {
        var engine = new AlertEngine();
        engine.MarkReady();
        var other = Enumerable.Range(0, 100).Select(index => $"S{index}").First(symbol => Shards.Of(symbol) != Shards.Of("XYZ"));
        engine.Own(1UL << Shards.Of("XYZ"));
        engine.Evaluate([Change(100m, null, Start), Change(50m, null, Start) with { Symbol = other }], []);
        var compound = Rule(level: 0m);
        compound.ConditionType = "Compound";
        compound.Level = null;
        compound.ConditionJson = $$$"""{"condition":{"type":"compound","match":"all","conditions":[{"type":"above","level":90,"symbol":"XYZ"},{"type":"above","level":60,"symbol":"{{{other}}}"}]},"dayZones":{}}""";
        engine.Upsert(compound, Start);

        var evaluation = engine.Evaluate([Change(61m, 50m, Start.AddMinutes(1)) with { Symbol = other }], []);

        Assert.That(engine.RuntimeOf(compound.Id), Is.Not.Null);
        Assert.That(evaluation.Firings.Select(firing => firing.RuleId), Is.EqualTo(new[] { compound.Id }), "the other shard's price reached the compound");
    }

    private static PriceChange Change(decimal price, decimal? previous, DateTime time) =>
        new("XYZ", price, previous, previous is null ? null : time.AddSeconds(-1), "test", time, time, null, null);

    private static AlertRuleRecord Rule(decimal level) => new()
    {
        Id = Guid.CreateVersion7(),
        UserId = "user-1",
        Symbol = "XYZ",
        ConditionType = "CrossesAbove",
        Level = level,
        FrequencyType = "Once",
        Channels = "live",
        State = "active",
        Version = 1,
        CreatedAt = Start,
        UpdatedAt = Start,
    };
}
