using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Bench;

/// <summary>
/// The rule engine at scale: a realistic mix of rules over many symbols, evaluated by the indexed engine and by a
/// naive scan of the same rules over the same ticks; plus memory per rule and the index build from a database.
/// </summary>
internal static class AlertsBench
{
    // The engine's and the bound's code is warmed on this many of the rules (the same ones for both).
    private const int WarmRules = 20_000;

    // A fixed clock keeps runs comparable: once-a-day rules depend on where the run falls in the day.
    private static readonly DateTime Start = new(2026, 3, 2, 15, 0, 0, DateTimeKind.Utc);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var ruleCount = options.Int("rules", 1_000_000);
        var symbolCount = options.Int("symbols", 5000);
        var tickCount = options.Int("ticks", 200_000);
        var naiveTicks = options.Int("naive-ticks", 300);
        var databaseRules = options.Int("db-rules", ruleCount);
        // --indicators 20 --compound 10: that share of the rules (in %) on indicators and compound expressions.
        var indicatorShare = options.Int("indicators", 0);
        var compoundShare = options.Int("compound", 0);
        // --levels-only 1: only once-rules at a price level (above / below), the workload a bare sorted array per
        // symbol answers exactly, so the engine's cost can be put against that bound in the same run.
        var levelsOnly = options.Int("levels-only", 0) == 1;
        if (levelsOnly)
        {
            (indicatorShare, compoundShare, databaseRules) = (0, 0, 0);
        }

        if (indicatorShare + compoundShare > 0)
        {
            // Stored rules of these kinds carry JSON the bench's record writer does not make: the in-memory run only.
            databaseRules = 0;
        }

        var random = new Random(42);
        var symbols = Enumerable.Range(0, symbolCount).Select(index => $"S{index:D5}").ToArray();
        var prices = symbols.ToDictionary(symbol => symbol, _ => (decimal)Math.Round(20 + random.NextDouble() * 480, 2));
        Console.WriteLine($"alerts bench: {ruleCount:N0} rules over {symbolCount:N0} symbols, {tickCount:N0} ticks (naive scan: {naiveTicks:N0} ticks)");

        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rules = Enumerable.Range(0, ruleCount).Select(index => random.Next(100) switch
        {
            var roll when roll < indicatorShare => MakeIndicatorRule(random, symbols[index % symbolCount], prices),
            var roll when roll < indicatorShare + compoundShare => MakeCompoundRule(random, symbols, index % symbolCount, prices),
            _ when levelsOnly => MakeLevelRule(random, symbols[index % symbolCount], prices),
            _ => MakeRule(random, symbols[index % symbolCount], prices),
        }).ToList();
        var gcBeforeBuild = GcCounts.Now();
        var started = Stopwatch.GetTimestamp();
        var index = new RuleIndex();
        foreach (var rule in rules)
        {
            index.Add(rule);
        }
        var buildSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var buildGc = GcCounts.Now() - gcBeforeBuild;
        Console.WriteLine($"index build: GC paused it {buildGc.Paused.TotalSeconds:0.00} s ({buildGc.Collections} collections, {buildGc.Gen1} gen-1, {buildGc.Gen2} gen-2)");
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"mix: {string.Join(", ", rules.GroupBy(rule => rule.Condition.Type).OrderByDescending(group => group.Count()).Select(group => $"{group.Key} {group.Count() * 100.0 / ruleCount:0}%"))}");
        Console.WriteLine($"index build in memory: {buildSeconds:0.00} s; memory: {(memoryAfter - memoryBefore) / (double)ruleCount:0} bytes per rule (rule definitions + runtime + index), {(memoryAfter - memoryBefore) / 1048576.0:N0} MiB in all");

        var naive = new NaiveScan();
        foreach (var rule in rules)
        {
            naive.Add(rule);
        }
        var ticks = MakeTicks(random, symbols, prices, tickCount);
        // Each engine first sees one price per symbol; the naive scan only for the symbols of the ticks it will get
        // (each of its ticks visits every rule, so warming all 5,000 symbols would take it minutes).
        var naiveSymbols = ticks.Take(naiveTicks).Select(tick => tick.Symbol).ToHashSet();
        foreach (var symbol in symbols)
        {
            var warmup = new PriceTick(symbol, prices[symbol], null, Start.AddHours(-1));
            index.Evaluate(warmup);
            if (naiveSymbols.Contains(symbol))
            {
                naive.Evaluate(warmup);
            }
        }

        if (indicatorShare + compoundShare > 0)
        {
            // Indicators start warm, as the service's do from stored history: 3 days of one-minute bars per symbol.
            var warmStarted = Stopwatch.GetTimestamp();
            foreach (var symbol in symbols)
            {
                index.Warm(symbol, History(random, prices[symbol], Start.AddHours(-1)), Start.AddHours(-1));
            }
            Console.WriteLine($"indicators warmed from 3 days of one-minute bars per symbol in {Stopwatch.GetElapsedTime(warmStarted).TotalSeconds:0.0} s");
        }

        WarmCode(rules, ticks, prices);
        // The setup's young objects (the ticks, the throwaway index) are promoted now, not by collections in the run.
        GC.Collect();
        var latencies = new List<double>(tickCount);
        var firings = 0L;
        var visitedBefore = index.Visited;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var gcBefore = GcCounts.Now();
        // The firings are kept (a reference each) only to be checked against the bound's.
        var found = levelsOnly ? new List<FiringCandidate>(rules.Count) : null;
        var indexedStarted = Stopwatch.GetTimestamp();
        foreach (var tick in ticks)
        {
            var tickStarted = Stopwatch.GetTimestamp();
            var fired = index.Evaluate(tick);
            firings += fired.Count;
            found?.AddRange(fired);
            latencies.Add(Stopwatch.GetElapsedTime(tickStarted).TotalMicroseconds);
        }
        var indexedSeconds = Stopwatch.GetElapsedTime(indexedStarted).TotalSeconds;
        var bytesPerTick = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)tickCount;
        var gc = GcCounts.Now() - gcBefore;
        var visitedPerTick = (index.Visited - visitedBefore) / (double)tickCount;
        var indexedRate = tickCount / indexedSeconds;

        var naiveStarted = Stopwatch.GetTimestamp();
        var naiveFirings = 0L;
        foreach (var tick in ticks.Take(naiveTicks))
        {
            naiveFirings += naive.Evaluate(tick).Count;
        }
        var naiveRate = naiveTicks / Stopwatch.GetElapsedTime(naiveStarted).TotalSeconds;

        Console.WriteLine($"indexed engine: {indexedRate:N0} ticks/s on one core ({firings:N0} firings); latency per tick {Percentiles.Describe(latencies, "µs")}");
        Console.WriteLine($"rules handed to the evaluator: {visitedPerTick:N1} per tick of {ruleCount / (double)symbolCount:N0} rules per symbol");
        Console.WriteLine($"allocated: {bytesPerTick:N0} bytes per tick (firings included), {gc.Collections} gen-0 collections ({gc.Gen1} of them gen-1, {gc.Gen2} gen-2) during the run, pausing it {gc.Paused.TotalSeconds / indexedSeconds:P0}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine($"naive scan of the same rules: {naiveRate:N1} ticks/s ({naiveFirings:N0} firings in its {naiveTicks} ticks)");
        Console.WriteLine($"ratio: {indexedRate / naiveRate:N0}x");
        if (found is not null)
        {
            var (boundRate, boundFirings, boundLatencies) = SortedArrayBound.Run(rules, rules.Take(WarmRules).ToList(), symbols, prices, ticks, Start.AddHours(-1));
            var same = found.Select(firing => (firing.RuleId, firing.Time)).ToHashSet().SetEquals(boundFirings) && found.Count == boundFirings.Count;
            Console.WriteLine($"bound (a bare sorted array per symbol and side, a cursor each): {boundRate:N0} ticks/s ({boundFirings.Count:N0} firings, the engine's exactly: {(same ? "yes" : "NO")}), " +
                $"latency per tick {Percentiles.Describe(boundLatencies, "µs")}; " +
                $"the engine is {boundRate / indexedRate:0.0}x slower than the bound");
            if (!same)
            {
                return 1;
            }
        }

        if (options.Int("split", 0) is > 1 and var parts && compoundShare == 0)
        {
            // An instance's share in a cluster, the engine alone: N indexes, each with the rules of its part of the
            // symbols (by shard) and evaluating only those symbols' ticks, as an instance does; the whole index is the
            // baseline, each measured on its thread's own CPU clock, one after the other on fresh indexes.
            // --split-batch B: the stream as the relay sends it, B ticks a batch, with the caches overwritten between
            // batches (outside the measured CPU), as other processes on a shared machine do between an instance's batches.
            var batch = options.Int("split-batch", 0);
            var whole = SplitRun(rules, ticks, symbols, prices, _ => true, batch);
            Console.WriteLine($"split: one index of all {rules.Count:N0} rules, {ticks.Count:N0} ticks{(batch > 0 ? $" in batches of {batch}, caches overwritten between them" : "")}: {whole.Cpu:0.00} s CPU");
            for (var part = 0; part < parts; part++)
            {
                var share = part;
                var measured = SplitRun(rules, ticks, symbols, prices, symbol => Shards.Of(symbol) % parts == share, batch);
                Console.WriteLine($"split: part {part + 1} of {parts}: {measured.Rules:N0} rules, {measured.Ticks:N0} ticks: {measured.Cpu:0.00} s CPU, {measured.Cpu / whole.Cpu:0.00} of the whole");
            }
        }

        if (databaseRules > 0)
        {
            // SQLite by default (a temp file); MariaDB/MySQL with --db-mysql "<connection string>" (an empty database).
            var mysql = options.Text("db-mysql");
            var folder = Directory.CreateTempSubdirectory("stockalerts-bench-db-").FullName;
            Func<AlertsDbContext> open = mysql is null
                ? () => new AlertsSqliteDbContext(new DbContextOptionsBuilder<AlertsSqliteDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "bench.db")}").Options)
                : () => new AlertsMySqlDbContext(new DbContextOptionsBuilder<AlertsMySqlDbContext>().UseMySql(mysql, ServerVersion.AutoDetect(mysql)).Options);
            await MeasureBuildFromDatabaseAsync(open, mysql is null ? "SQLite" : "MariaDB/MySQL", databaseRules, random, symbols, prices);
            Directory.Delete(folder, recursive: true);
        }
        return 0;
    }

    // The engine's code is compiled in tiers (see JitSettle): throwaway indexes of a few of the rules over the same
    // ticks run it into its final tier first, as the bound is.
    private static void WarmCode(List<AlertRule> rules, List<PriceTick> ticks, Dictionary<string, decimal> prices)
    {
        var settled = JitSettle.Run(() =>
        {
            var index = new RuleIndex();
            foreach (var rule in rules.Take(WarmRules))
            {
                index.Add(rule);
            }

            foreach (var (symbol, price) in prices)
            {
                index.Evaluate(new PriceTick(symbol, price, null, Start.AddHours(-1)));
            }

            foreach (var tick in ticks)
            {
                index.Evaluate(tick);
            }
        });

        Console.WriteLine($"code warmed on throwaway indexes of the first {WarmRules:N0} rules over the same ticks: {settled}");
    }

    private static (int Rules, int Ticks, double Cpu) SplitRun(List<AlertRule> rules, List<PriceTick> ticks, string[] symbols, Dictionary<string, decimal> prices, Func<string, bool> mine, int batch)
    {
        var index = new RuleIndex();
        foreach (var rule in rules.Where(rule => mine(rule.Symbol)))
        {
            index.Add(rule);
        }
        foreach (var symbol in symbols.Where(mine))
        {
            index.Evaluate(new PriceTick(symbol, prices[symbol], null, Start.AddHours(-1)));
        }
        var own = ticks.Where(tick => mine(tick.Symbol)).ToList();
        GC.Collect();
        if (batch <= 0)
        {
            var started = ThreadCpu.Now();
            foreach (var tick in own)
            {
                index.Evaluate(tick);
            }
            return (index.Count, own.Count, ThreadCpu.Since(started) ?? double.NaN);
        }

        var trash = new long[64 * 1024 * 1024 / sizeof(long)];
        var cpu = 0.0;
        foreach (var chunk in ticks.Chunk(batch))
        {
            var mineNow = chunk.Where(tick => mine(tick.Symbol)).ToList();
            for (var i = 0; i < trash.Length; i += 8)
            {
                trash[i]++;
            }
            var started = ThreadCpu.Now();
            index.EvaluateBatch(mineNow);
            cpu += ThreadCpu.Since(started) ?? double.NaN;
        }
        return (index.Count, own.Count, cpu);
    }

    private static async Task MeasureBuildFromDatabaseAsync(Func<AlertsDbContext> open, string kind, int count, Random random, string[] symbols, Dictionary<string, decimal> prices)
    {
        await using (var database = open())
        {
            await database.Database.MigrateAsync();
            var now = DateTime.UtcNow;
            var table = new TableCommands(database, typeof(AlertRuleRecord));
            for (var written = 0; written < count; written += 20_000)
            {
                await using var transaction = await database.Database.BeginTransactionAsync();
                await table.InsertAsync(Enumerable.Range(written, Math.Min(20_000, count - written)).Select(index => ToRecord(MakeRule(random, symbols[index % symbols.Length], prices), now)).ToList(), CancellationToken.None);
                await transaction.CommitAsync();
                if ((written + 20_000) % 200_000 == 0)
                {
                    Console.WriteLine($"  seeded {written + 20_000:N0} of {count:N0} rules in {kind}");
                }
            }
        }

        await using var reading = open();
        var engine = new AlertEngine();
        var services = new ServiceCollection().BuildServiceProvider();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var options = Microsoft.Extensions.Options.Options.Create(new StockAlerts.Modules.Alerts.AlertsOptions());
        var sync = new RuleSync(scopes, engine, new IndicatorWarmer(scopes, engine, TimeProvider.System, NullLogger<IndicatorWarmer>.Instance), new RuleChangeBus(services, NullLogger<RuleChangeBus>.Instance),
            new ClusterMembership(services, options, TimeProvider.System, NullLogger<ClusterMembership>.Instance), new RecentPrices(), options, TimeProvider.System, NullLogger<RuleSync>.Instance);
        var started = Stopwatch.GetTimestamp();
        await sync.BuildIndexAsync(reading, CancellationToken.None);
        Console.WriteLine($"index build from the database ({kind}, {engine.Count:N0} rules): {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; " +
            $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {GC.CollectionCount(0)} gen-0, {GC.CollectionCount(2)} gen-2 collections, pauses {GC.GetTotalPauseDuration().TotalSeconds:0.0} s in the whole run");
    }

    public static AlertRuleRecord ToRecord(AlertRule rule, DateTime now) => new()
    {
        Id = rule.Id,
        UserId = rule.UserId,
        Symbol = rule.Symbol,
        ConditionType = rule.Condition.Type.ToString(),
        Level = rule.Condition.Level,
        Lower = rule.Condition.Lower,
        Upper = rule.Condition.Upper,
        Amount = rule.Condition.Amount,
        Percent = rule.Condition.Percent,
        WindowMinutes = rule.Condition.WindowMinutes,
        Reference = rule.Condition.Reference?.ToString(),
        ReferencePrice = rule.Condition.ReferencePrice,
        FrequencyType = rule.Frequency.Type.ToString(),
        CooldownSeconds = rule.Frequency.CooldownSeconds,
        Channels = "push,live",
        State = "active",
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static List<PriceTick> MakeTicks(Random random, string[] symbols, Dictionary<string, decimal> prices, int count)
    {
        var current = new Dictionary<string, decimal>(prices);
        var time = Start;
        var ticks = new List<PriceTick>(count);
        for (var index = 0; index < count; index++)
        {
            var symbol = symbols[random.Next(symbols.Length)];
            var previous = current[symbol];
            var next = Math.Max(0.01m, Math.Round(previous * (1 + (decimal)((random.NextDouble() - 0.5) * 0.004)), 2));
            current[symbol] = next;
            time = time.AddMilliseconds(10);
            ticks.Add(new PriceTick(symbol, next, previous, time) { PreviousClose = prices[symbol], DayOpen = prices[symbol] });
        }
        return ticks;
    }

    // Minutes up to the hour before the run, a random walk ending at the symbol's price.
    private static List<StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators.HistoryBar> History(Random random, decimal price, DateTime end)
    {
        const int Minutes = 3 * 24 * 60;
        var bars = new List<StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators.HistoryBar>(Minutes);
        var close = price;
        for (var minute = Minutes; minute > 0; minute--)
        {
            var high = close * (1 + (decimal)(random.NextDouble() * 0.001));
            var low = close * (1 - (decimal)(random.NextDouble() * 0.001));
            bars.Add(new(end.AddMinutes(-minute), Math.Round(high, 2), Math.Round(low, 2), close));
            close = Math.Max(0.01m, Math.Round(close * (1 + (decimal)((random.NextDouble() - 0.5) * 0.002)), 2));
        }
        return bars;
    }

    // What people set on charts: standard parameters (so that many rules share one computed series).
    private static AlertRule MakeIndicatorRule(Random random, string symbol, Dictionary<string, decimal> prices)
    {
        var frequency = random.Next(100) < 70 ? AlertFrequency.Once : AlertFrequency.EveryTime(300);
        return new AlertRule(Guid.NewGuid(), $"user-{random.Next(200_000)}", symbol, IndicatorCondition(random, prices[symbol])) { Frequency = frequency };
    }

    private static AlertCondition IndicatorCondition(Random random, decimal price)
    {
        Timeframe[] timeframes = [Timeframe.FiveMinutes, Timeframe.FifteenMinutes, Timeframe.OneHour];
        var timeframe = timeframes[random.Next(timeframes.Length)];
        var onClose = random.Next(2) == 0;
        return random.Next(5) switch
        {
            0 => new IndicatorCondition(Operand.Of(new IndicatorSpec(IndicatorKind.Rsi, timeframe, 14)), Operand.Number(random.Next(2) == 0 ? 30 : 70), onClose)
                .ToCondition(random.Next(2) == 0 ? ConditionType.CrossesBelow : ConditionType.CrossesAbove),
            1 => new IndicatorCondition(Operand.Of(new IndicatorSpec(IndicatorKind.Sma, timeframe, 20)), Operand.Of(new IndicatorSpec(IndicatorKind.Sma, timeframe, 50)), onClose)
                .ToCondition(random.Next(2) == 0 ? ConditionType.CrossesAbove : ConditionType.CrossesBelow),
            2 => new IndicatorCondition(Operand.Price, Operand.Of(new IndicatorSpec(IndicatorKind.Bollinger, timeframe, 20) { Deviations = 2 }), onClose)
                .ToCondition(random.Next(2) == 0 ? ConditionType.ExitsChannel : ConditionType.EntersChannel),
            3 => new IndicatorCondition(Operand.Of(new IndicatorSpec(IndicatorKind.Macd, timeframe, 26) { Fast = 12, Slow = 26, Signal = 9 }, IndicatorOutput.Macd),
                    Operand.Of(new IndicatorSpec(IndicatorKind.Macd, timeframe, 26) { Fast = 12, Slow = 26, Signal = 9 }, IndicatorOutput.Signal), onClose)
                .ToCondition(ConditionType.CrossesAbove),
            _ => new IndicatorCondition(Operand.Price, Operand.Of(new IndicatorSpec(IndicatorKind.Highest, timeframe, 20)), onClose).ToCondition(ConditionType.CrossesAbove),
        };
    }

    // Two or three parts: price levels on the rule's symbol and on another, sometimes an indicator part.
    private static AlertRule MakeCompoundRule(Random random, string[] symbols, int at, Dictionary<string, decimal> prices)
    {
        var parts = new List<CompoundPart>();
        for (var count = random.Next(2, 4); parts.Count < count;)
        {
            var symbol = parts.Count == 0 ? symbols[at] : symbols[random.Next(symbols.Length)];
            var price = prices[symbol];
            var sign = random.Next(2) == 0 ? 1 : -1;
            var level = Math.Round(price * (1 + sign * (decimal)(0.002 + random.NextDouble() * 0.05)), 2);
            parts.Add(new CompoundPart(symbol, random.Next(4) == 0
                ? IndicatorCondition(random, price)
                : new AlertCondition(random.Next(2) == 0 ? (sign > 0 ? ConditionType.Above : ConditionType.Below) : (sign > 0 ? ConditionType.CrossesAbove : ConditionType.CrossesBelow)) { Level = level }));
        }

        var compound = new CompoundCondition(random.Next(3) == 0 ? CompoundMatch.Any : CompoundMatch.All, parts);
        return new AlertRule(Guid.NewGuid(), $"user-{random.Next(200_000)}", symbols[at], new AlertCondition(ConditionType.Compound) { Compound = compound })
        {
            Frequency = random.Next(100) < 70 ? AlertFrequency.Once : AlertFrequency.EveryTime(300),
        };
    }

    // A once-rule at a level 0.2-10 % away from the symbol's price, above or below it.
    private static AlertRule MakeLevelRule(Random random, string symbol, Dictionary<string, decimal> prices)
    {
        var sign = random.Next(2) == 0 ? 1 : -1;
        var level = Math.Round(prices[symbol] * (1 + sign * (decimal)(0.002 + random.NextDouble() * 0.098)), 2);
        return new AlertRule(Guid.NewGuid(), $"user-{random.Next(200_000)}", symbol, new AlertCondition(sign > 0 ? ConditionType.Above : ConditionType.Below) { Level = level })
        {
            Frequency = AlertFrequency.Once,
        };
    }

    public static AlertRule MakeRule(Random random, string symbol, Dictionary<string, decimal> prices)
    {
        var price = prices[symbol];
        decimal Away(double minimum, double maximum, int sign) => Math.Round(price * (1 + sign * (decimal)(minimum + random.NextDouble() * (maximum - minimum))), 2);
        var roll = random.Next(100);
        var sign = random.Next(2) == 0 ? 1 : -1;
        var condition = roll switch
        {
            < 30 => new AlertCondition(sign > 0 ? ConditionType.CrossesAbove : ConditionType.CrossesBelow) { Level = Away(0.002, 0.1, sign) },
            < 45 => new AlertCondition(sign > 0 ? ConditionType.Above : ConditionType.Below) { Level = Away(0.002, 0.1, sign) },
            < 55 => new AlertCondition(ConditionType.Crosses) { Level = Away(0.002, 0.1, sign) },
            < 65 => new AlertCondition((ConditionType)((int)ConditionType.EntersChannel + random.Next(4))) { Lower = Away(0.01, 0.05, -1), Upper = Away(0.01, 0.05, 1) },
            < 75 => new AlertCondition(sign > 0 ? ConditionType.MovesUp : ConditionType.MovesDown) { Percent = 1 + random.Next(5), WindowMinutes = 5 + random.Next(56) },
            < 85 => new AlertCondition(ConditionType.PercentChange) { Percent = sign * (2 + random.Next(9)), Reference = ReferenceKind.PreviousClose, ReferencePrice = price },
            < 95 => new AlertCondition(sign > 0 ? ConditionType.TrailingRise : ConditionType.TrailingDrawdown) { Percent = 2 + random.Next(9) },
            _ => new AlertCondition(ConditionType.Step) { Percent = 5 },
        };
        var frequency = random.Next(100) switch
        {
            < 70 => AlertFrequency.Once,
            < 95 => AlertFrequency.EveryTime(300),
            _ => AlertFrequency.OncePerDay,
        };
        return new AlertRule(Guid.NewGuid(), $"user-{random.Next(200_000)}", symbol, condition) { Frequency = frequency };
    }
}
