using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Tests.Alerts.Engine;

// Property test: on seeded random rules, edits and ticks (gaps, stale and late ticks included), the index
// must produce exactly the firings, state changes and runtime state of the naive scan.
public sealed class IndexEquivalenceTests
{
    private static readonly string[] Symbols = ["AAPL", "MSFT", "EURUSD"];
    private static readonly string[] TimeZones = ["UTC", "America/New_York", "Asia/Tokyo"];
    // The kinds a price alone answers (indicator and compound conditions have their own generators below).
    private static readonly ConditionType[] Types = Enum.GetValues<ConditionType>().Except([ConditionType.Indicator, ConditionType.Compound]).ToArray();

    private static readonly HashSet<DayOfWeek> Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly ActiveSchedule MarketHours = new(Weekdays, new TimeOnly(9, 30), new TimeOnly(16, 0), "America/New_York");
    private static readonly ActiveSchedule Overnight = new(Weekdays, new TimeOnly(22, 0), new TimeOnly(6, 0), "UTC");

    [TestCase(1, 300)]
    [TestCase(7, 300)]
    [TestCase(42, 300)]
    [TestCase(2024, 300)]
    [TestCase(31337, 300)]
    [TestCase(5, 1500)]
    [TestCase(99, 1500)]
    [TestCase(9, 16)]
    public void Evaluate_OnRandomRulesEditsAndTicks_IndexMatchesTheNaiveScan(int seed, int ruleCount) =>
        Run(seed, ruleCount, RandomRule);

    // Indicator conditions beside price ones, on short periods and timeframes so that they warm up, cross and close
    // bars (by price and by the clock) many times in a run.
    [TestCase(3, 300)]
    [TestCase(11, 300)]
    [TestCase(64, 300)]
    [TestCase(777, 1000)]
    // Few rules: wide bands, so a price often skips every series of its symbol at once.
    [TestCase(5, 12)]
    [TestCase(6, 24)]
    public void Evaluate_OnRandomIndicatorRules_IndexMatchesTheNaiveScan(int seed, int ruleCount) =>
        Run(seed, ruleCount, (random, now) => random.Next(3) == 0 ? RandomRule(random, now) : RandomIndicatorRule(random, now));

    // Compound rules (AND/OR of price and indicator parts, on one or several symbols) beside the other kinds.
    [TestCase(4, 300)]
    [TestCase(23, 300)]
    [TestCase(100, 300)]
    [TestCase(4242, 1000)]
    [TestCase(8, 600)]
    [TestCase(2718, 600)]
    [TestCase(12, 30)]
    public void Evaluate_OnRandomCompoundRules_IndexMatchesTheNaiveScan(int seed, int ruleCount) =>
        Run(seed, ruleCount, (random, now) => random.Next(3) switch
        {
            0 => RandomRule(random, now),
            1 => RandomIndicatorRule(random, now),
            _ => RandomCompoundRule(random, now),
        });

    private static void Run(int seed, int ruleCount, Func<Random, DateTime, AlertRule> randomRule)
    {
        // Every series an indicator band lets go unread is read anyway and must have visited nothing (else it throws).
        SymbolRuleBook.CheckSkips = true;
        var skippedBefore = Interlocked.Read(ref SymbolRuleBook.SkippedByBand);
        var gapSkippedBefore = Interlocked.Read(ref SymbolRuleBook.SkippedByGap);
        var random = new Random(seed);
        var index = new RuleIndex();
        var naive = new NaiveScan();
        var rules = new List<AlertRule>();
        var time = new DateTime(2025, 3, 3, 13, 0, 0, DateTimeKind.Utc);
        var lastPrices = Symbols.ToDictionary(symbol => symbol, _ => 100m);
        var totalFirings = 0;
        var indicatorFirings = 0;
        var clockIndicatorFirings = 0;
        var compoundFirings = 0;

        for (var count = 0; count < ruleCount; count++)
        {
            AddToBoth(index, naive, rules, randomRule(random, time));
        }

        for (var step = 0; step < 4000; step++)
        {
            time = time.AddSeconds(random.Next(10) == 0 ? random.Next(600, 14400) : random.Next(0, 40));
            if (random.Next(25) == 0)
            {
                Mutate(random, index, naive, rules, time, randomRule);
            }

            if (random.Next(8) == 0)
            {
                // Time passes without a price: confirmations, expiry and re-arm by time.
                time = time.AddSeconds(random.Next(1, 120));
                var indexClockChanges = new List<RuleStateChange>();
                var naiveClockChanges = new List<RuleStateChange>();
                var byIndexClock = index.AdvanceClock(time, indexClockChanges);
                var byNaiveClock = naive.AdvanceClock(time, naiveClockChanges);
                Assert.That(byIndexClock.OrderBy(firing => firing.RuleId), Is.EqualTo(byNaiveClock.OrderBy(firing => firing.RuleId)), $"clock firings at step {step}");
                Assert.That(
                    indexClockChanges.OrderBy(change => change.RuleId).ThenBy(change => change.Version),
                    Is.EqualTo(naiveClockChanges.OrderBy(change => change.RuleId).ThenBy(change => change.Version)),
                    $"clock state changes at step {step}: {string.Join("; ", naiveClockChanges.Concat(indexClockChanges).Select(change => Dump(rules, change.RuleId, index, naive, time)))}");
                totalFirings += byIndexClock.Count;
                clockIndicatorFirings += byIndexClock.Count(firing => firing.Rule.Condition.Indicator is { OnBarClose: true });
                time = time.AddSeconds(1);
            }

            // Sometimes a poll's batch: several prices at once, which compounds see together.
            var batch = new List<PriceTick>();
            for (var count = random.Next(4) == 0 ? random.Next(2, 4) : 1; batch.Count < count;)
            {
                var symbol = Symbols[random.Next(Symbols.Length)];
                var price = NextPrice(random, lastPrices[symbol]);
                var tickTime = random.Next(100) == 0 ? time.AddSeconds(-random.Next(1, 300)) : time;
                batch.Add(new PriceTick(symbol, price, lastPrices[symbol], tickTime, IsStale: random.Next(20) == 0)
                {
                    PreviousClose = random.Next(15) == 0 ? RandomLevel(random) : null,
                    DayOpen = random.Next(15) == 0 ? RandomLevel(random) : null,
                });
                lastPrices[symbol] = price;
            }

            var indexChanges = new List<RuleStateChange>();
            var naiveChanges = new List<RuleStateChange>();
            var fromIndex = index.EvaluateBatch(batch, indexChanges);
            var fromNaive = naive.EvaluateBatch(batch, naiveChanges);

            Assert.That(fromIndex.OrderBy(firing => firing.RuleId), Is.EqualTo(fromNaive.OrderBy(firing => firing.RuleId)),
                $"firings at step {step} ({string.Join(", ", batch)}): {string.Join("; ", fromNaive.Concat(fromIndex).Select(firing => Dump(rules, firing.RuleId, index, naive, time)))}");
            Assert.That(
                indexChanges.OrderBy(change => change.RuleId).ThenBy(change => change.Version),
                Is.EqualTo(naiveChanges.OrderBy(change => change.RuleId).ThenBy(change => change.Version)),
                $"state changes at step {step} ({string.Join(", ", batch)}): {string.Join("; ", naiveChanges.Concat(indexChanges).Select(change => Dump(rules, change.RuleId, index, naive, time)))}");
            totalFirings += fromIndex.Count;
            indicatorFirings += fromIndex.Count(firing => firing.Rule.Condition.Indicator is not null);
            compoundFirings += fromIndex.Count(firing => firing.Rule.Condition.Compound is not null);
        }

        foreach (var rule in rules)
        {
            Assert.That(Snapshot(index.FindRuntime(rule.Id)), Is.EqualTo(Snapshot(naive.FindRuntime(rule.Id))), $"runtime of {rule.Id}");
        }

        Assert.That(totalFirings, Is.GreaterThan(100));
        if (rules.Any(rule => rule.Condition.Indicator is not null))
        {
            Assert.That(Interlocked.Read(ref SymbolRuleBook.SkippedByBand), Is.GreaterThan(skippedBefore), "the bands skipped no series read");
        }

        if (ruleCount <= 50)
        {
            // Few rules leave wide gaps between levels (with hundreds, the random walk's steps jump most of them).
            Assert.That(Interlocked.Read(ref SymbolRuleBook.SkippedByGap), Is.GreaterThan(gapSkippedBefore), "the level gap skipped no level query");
        }
        if (rules.Any(rule => rule.Condition.Compound is not null))
        {
            TestContext.Out.WriteLine($"{compoundFirings} compound firings");
            Assert.That(compoundFirings, Is.GreaterThan(100));
        }

        if (rules.Any(rule => rule.Condition.Indicator is not null))
        {
            TestContext.Out.WriteLine($"{indicatorFirings} indicator firings on prices, {clockIndicatorFirings} on bars the clock closed");
            Assert.That(indicatorFirings, Is.GreaterThan(100));
            Assert.That(clockIndicatorFirings, Is.GreaterThan(0));
        }
    }

    private static void AddToBoth(RuleIndex index, NaiveScan naive, List<AlertRule> rules, AlertRule rule)
    {
        Assert.That(index.Add(rule), Is.EqualTo(naive.Add(rule)));
        rules.Add(rule);
    }

    private static void Mutate(Random random, RuleIndex index, NaiveScan naive, List<AlertRule> rules, DateTime time, Func<Random, DateTime, AlertRule> randomRule)
    {
        var choice = random.Next(4);
        if (choice == 0 || rules.Count == 0)
        {
            AddToBoth(index, naive, rules, randomRule(random, time));
            return;
        }

        var position = random.Next(rules.Count);
        var target = rules[position];
        switch (choice)
        {
            case 1:
                var edited = randomRule(random, time) with { Id = target.Id };
                Assert.That(index.Update(edited), Is.EqualTo(naive.Update(edited)));
                rules[position] = edited;
                break;
            case 2:
                Assert.That(index.Remove(target.Id), Is.EqualTo(naive.Remove(target.Id)));
                rules.RemoveAt(position);
                break;
            default:
                Assert.That(index.Rearm(target.Id), Is.EqualTo(naive.Rearm(target.Id)));
                break;
        }
    }

    internal static AlertRule RandomRule(Random random, DateTime now)
    {
        var type = Types[random.Next(Types.Length)];
        var level = RandomLevel(random);
        var condition = new AlertCondition(type)
        {
            Level = level,
            Lower = level,
            Upper = level + (random.Next(1, 30) * 0.5m),
            Amount = random.Next(2) == 0 ? random.Next(1, 12) * 0.5m : null,
            Percent = random.Next(1, 12) * (type == ConditionType.PercentChange && random.Next(2) == 0 ? -1m : 1m),
            WindowMinutes = random.Next(1, 120),
            Reference = (ReferenceKind)random.Next(3),
            ReferencePrice = random.Next(2) == 0 ? RandomLevel(random) : null,
        };
        var frequency = random.Next(3) switch
        {
            0 => AlertFrequency.Once,
            1 => AlertFrequency.EveryTime(random.Next(0, 4) * 30, random.Next(4) == 0 ? random.Next(1, 6) : (int?)null),
            _ => AlertFrequency.OncePerDay,
        };
        var id = new byte[16];
        random.NextBytes(id);
        return new AlertRule(new Guid(id), "user-" + random.Next(5), Symbols[random.Next(Symbols.Length)], condition)
        {
            Frequency = frequency,
            HysteresisMargin = random.Next(2) == 0 ? random.Next(0, 10) * 0.5m : null,
            RearmAfterSeconds = random.Next(3) == 0 ? random.Next(30, 1800) : null,
            ConfirmationSeconds = random.Next(4) == 0 ? random.Next(5, 120) : 0,
            ExpiresAt = random.Next(5) == 0 ? now.AddSeconds(random.Next(60, 86400)) : null,
            Paused = random.Next(20) == 0,
            Schedule = random.Next(7) switch
            {
                0 => MarketHours,
                1 => Overnight,
                _ => null,
            },
            TimeZoneId = TimeZones[random.Next(TimeZones.Length)],
        };
    }

    private static readonly ConditionType[] Operators =
    [
        ConditionType.Above, ConditionType.Below, ConditionType.CrossesAbove, ConditionType.CrossesBelow, ConditionType.Crosses,
        ConditionType.EntersChannel, ConditionType.ExitsChannel, ConditionType.InsideChannel, ConditionType.OutsideChannel,
    ];

    internal static AlertRule RandomIndicatorRule(Random random, DateTime now)
    {
        var timeframe = (Timeframe)random.Next(3);
        var type = Operators[random.Next(Operators.Length)];
        IndicatorCondition condition;
        if (IndicatorCondition.IsChannel(type))
        {
            var bands = new IndicatorSpec(IndicatorKind.Bollinger, timeframe, random.Next(2, 8)) { Deviations = random.Next(1, 5) * 0.5m };
            condition = new IndicatorCondition(random.Next(2) == 0 ? Operand.Price : PriceLike(random, timeframe), Operand.Of(bands), random.Next(2) == 0);
        }
        else
        {
            condition = random.Next(4) switch
            {
                0 => new IndicatorCondition(Operand.Of(new IndicatorSpec(IndicatorKind.Rsi, timeframe, random.Next(2, 8))), Operand.Number(random.Next(20, 81)), random.Next(2) == 0),
                1 => new IndicatorCondition(PriceLike(random, timeframe), Operand.Number(RandomLevel(random)), random.Next(2) == 0),
                2 => new IndicatorCondition(random.Next(2) == 0 ? Operand.Price : PriceLike(random, timeframe), PriceLike(random, timeframe), random.Next(2) == 0),
                _ => MacdCondition(random, timeframe),
            };
        }

        var rule = RandomRule(random, now);
        return rule with
        {
            Condition = condition.ToCondition(type) with { Indicator = condition with { DayZone = TimeZones[random.Next(TimeZones.Length)] } },
            HysteresisMargin = null,
        };
    }

    private static readonly ConditionType[] PartTypes =
    [
        ConditionType.Above, ConditionType.Below, ConditionType.CrossesAbove, ConditionType.CrossesBelow, ConditionType.Crosses,
        ConditionType.EntersChannel, ConditionType.ExitsChannel, ConditionType.InsideChannel, ConditionType.OutsideChannel,
    ];

    internal static AlertRule RandomCompoundRule(Random random, DateTime now)
    {
        var parts = new List<CompoundPart>();
        for (var count = random.Next(2, CompoundCondition.MaxParts + 1); parts.Count < count;)
        {
            var symbol = Symbols[random.Next(Symbols.Length)];
            if (random.Next(3) == 0)
            {
                parts.Add(new CompoundPart(symbol, RandomIndicatorRule(random, now).Condition));
                continue;
            }

            var type = PartTypes[random.Next(PartTypes.Length)];
            var level = RandomLevel(random);
            parts.Add(new CompoundPart(symbol, IndicatorCondition.IsChannel(type)
                ? new AlertCondition(type) { Lower = level, Upper = level + random.Next(1, 30) * 0.5m }
                : new AlertCondition(type) { Level = level }));
        }

        var rule = RandomRule(random, now);
        var compound = new CompoundCondition(random.Next(2) == 0 ? CompoundMatch.All : CompoundMatch.Any, parts);
        return rule with
        {
            Symbol = parts[random.Next(parts.Count)].Symbol,
            Condition = new AlertCondition(ConditionType.Compound) { Compound = compound },
            HysteresisMargin = null,
        };
    }

    private static Operand PriceLike(Random random, Timeframe timeframe) => random.Next(5) switch
    {
        0 => Operand.Of(new IndicatorSpec(IndicatorKind.Sma, timeframe, random.Next(1, 8))),
        1 => Operand.Of(new IndicatorSpec(IndicatorKind.Ema, timeframe, random.Next(1, 8))),
        2 => Operand.Of(new IndicatorSpec(IndicatorKind.Bollinger, timeframe, random.Next(2, 8)) { Deviations = 2 }, (IndicatorOutput)random.Next(1, 4)),
        3 => Operand.Of(new IndicatorSpec(IndicatorKind.Highest, timeframe, random.Next(1, 8))),
        _ => Operand.Of(new IndicatorSpec(IndicatorKind.Lowest, timeframe, random.Next(1, 8))),
    };

    private static IndicatorCondition MacdCondition(Random random, Timeframe timeframe)
    {
        var macd = new IndicatorSpec(IndicatorKind.Macd, timeframe, 5) { Fast = random.Next(2, 4), Slow = 5, Signal = random.Next(2, 4) };
        return random.Next(2) == 0
            ? new IndicatorCondition(Operand.Of(macd, IndicatorOutput.Macd), Operand.Of(macd, IndicatorOutput.Signal), random.Next(2) == 0)
            : new IndicatorCondition(Operand.Of(macd, IndicatorOutput.Histogram), Operand.Number(0), random.Next(2) == 0);
    }

    private static decimal RandomLevel(Random random) => 80m + (random.Next(0, 81) * 0.5m);

    internal static decimal NextPrice(Random random, decimal last)
    {
        var move = random.Next(12) == 0 ? random.Next(-40, 41) * 0.5m : random.Next(-6, 7) * 0.5m;
        return Math.Clamp(last + move, 60m, 140m);
    }

    // What a failed comparison needs to be understood: the rule, and each engine's runtime and series.
    private static string Dump(List<AlertRule> rules, Guid id, RuleIndex index, NaiveScan naive, DateTime time)
    {
        var rule = rules.First(candidate => candidate.Id == id);
        var parts = rule.Condition.Compound?.Parts.Select(part => $"{part.Symbol} {part.Condition.Type} {part.Condition.Level} {part.Condition.Lower}-{part.Condition.Upper} {part.Condition.Indicator}");
        return $"{id} {rule.Condition.Compound?.Match} [{string.Join(" | ", parts ?? [])}] conf {rule.ConfirmationSeconds} {rule.Frequency} at {time:O}: "
            + $"index {Engine(index.FindRuntime(id))}; naive {Engine(naive.FindRuntime(id))}";

        static string Engine(RuleRuntime? runtime) =>
            $"{Snapshot(runtime)} due {runtime?.CompoundDue} held {runtime?.CompoundHeld} "
            + string.Join(" / ", (runtime?.Parts ?? []).Select(part => part.Runtime.Series is { } one
                ? $"live {one.PreviousLive?.Value}->{one.Live?.Value} close {one.PreviousClosed?.Value}->{one.Closed?.Value} closedNow {one.ClosedNow} ready {one.Ready}"
                : $"price {part.Market.LastFreshPrice}"));
    }

    private static string Snapshot(RuleRuntime? runtime) =>
        runtime is null
            ? "missing"
            : string.Join(
                " | ",
                runtime.State,
                runtime.Reason,
                runtime.Version,
                runtime.FireCount,
                runtime.Armed,
                runtime.LastFiredAt,
                runtime.LastFiredPrice,
                runtime.PendingSince,
                runtime.TrailingExtreme,
                runtime.StepAnchor,
                runtime.Direction,
                runtime.ReferencePrice);
}
