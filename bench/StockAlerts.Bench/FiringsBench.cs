using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Bench;

/// <summary>
/// End to end: price batches → the service's engine → firings stored exactly once (and published: notifications
/// stored, live messages sent) in its database, against the in-memory engine over the same ticks in the same run.
/// Rules and ticks come from CSV files (written when not given), and the stored firings are written out and compared
/// with the exact oracle (the naive scan), firing for firing.
/// </summary>
internal static class FiringsBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var folder = options.Text("out") ?? Directory.CreateTempSubdirectory("stockalerts-firings-").FullName;
        Directory.CreateDirectory(folder);
        var rulesFile = options.Text("rules-csv") ?? Path.Combine(folder, "rules.csv");
        var ticksFile = options.Text("ticks-csv") ?? Path.Combine(folder, "ticks.csv");
        if (options.Text("rules-csv") is null || options.Text("ticks-csv") is null)
        {
            Workload.Write(rulesFile, ticksFile, options.Int("rules", 10_000), options.Int("symbols", 50), options.Int("ticks", 10_000));
        }
        var rules = Workload.ReadRules(rulesFile);
        var batches = Workload.ReadTicks(ticksFile);
        var tickCount = batches.Sum(batch => batch.Count);
        var mysql = options.Text("db-mysql");
        Console.WriteLine($"firings bench: {rules.Count:N0} rules over {rules.Select(rule => rule.Symbol).Distinct().Count()} symbols, {tickCount:N0} ticks in {batches.Count:N0} price batches " +
            $"({rulesFile}, {ticksFile}); database: {(mysql is null ? "SQLite" : "MariaDB/MySQL")}");

        var oracle = Oracle(rules, batches);
        var (engineRate, engineFirings, bytesPerTick) = InMemory(rules, batches);
        Console.WriteLine($"oracle (naive scan): {oracle.Count:N0} firings");
        Console.WriteLine($"in-memory engine: {engineRate:N0} ticks/s, {engineFirings.Count:N0} firings, {bytesPerTick:N0} bytes allocated per tick; " +
            $"equal to the oracle: {Compare(engineFirings, oracle)}");

        // --warm 1 (default): the same workload on other symbols, a day earlier, goes through first, so the measured pass
        // runs on code the JIT has optimized, as in a service that has been up a while (otherwise its 201 batches run
        // partly on unoptimized code). Its firings and notifications are left out of every figure.
        var warm = options.Int("warm", 1) == 1;
        var warmRules = warm ? rules.Select(rule => rule with { Id = Guid.NewGuid(), Symbol = "W" + rule.Symbol }).ToList() : [];
        var warmBatches = warm ? batches.Select(batch => batch.Select(tick => tick with { Symbol = "W" + tick.Symbol, Time = tick.Time.AddDays(-1) }).ToList()).ToList() : [];

        await using var app = new BenchApp(BenchApp.QuietSettings(options));
        var services = app.Services;
        await SeedAsync(services, [.. warmRules, .. rules]);

        var engine = services.GetRequiredService<AlertEngine>();
        var latencies = new List<double>(batches.Count);
        // The service's own spans split each batch into its hops: to committed firings, and notifications stored.
        var hops = new System.Collections.Concurrent.ConcurrentDictionary<string, List<double>>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StockAlerts.Modules.Shared.Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                var samples = hops.GetOrAdd(activity.OperationName, _ => []);
                lock (samples)
                {
                    samples.Add(activity.Duration.TotalMilliseconds);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        // --rate R: the measured batches arrive R per second (a feed below what the path can take, for its latency);
        // by default all at once, for its throughput.
        var feedRate = options.Int("rate", 0);
        await RunPassAsync(warmBatches, [], 0);
        hops.Clear();
        var notificationsBefore = await NotificationCountAsync(services);
        var started = Stopwatch.GetTimestamp();
        var stateChangeCount = await RunPassAsync(batches, latencies, feedRate);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // The service's path: each batch judged and queued to its writer at once, as fast as the engine goes; the
        // writer stores what waits together. Answers how many state changes the pass produced; each batch's latency,
        // from its evaluation to its firings committed and published, goes into passLatencies.
        async Task<int> RunPassAsync(List<List<PriceTick>> passBatches, List<double> passLatencies, int batchesPerSecond)
        {
            var passStarted = Stopwatch.GetTimestamp();
            var writer = services.GetRequiredService<OutcomeWriter>();
            var stateChangeTotal = 0;
            var done = new double[passBatches.Count];
            var stored = new List<Task>(passBatches.Count);
            for (var index = 0; index < passBatches.Count; index++)
            {
                if (batchesPerSecond > 0 && TimeSpan.FromSeconds(index / (double)batchesPerSecond) - Stopwatch.GetElapsedTime(passStarted) is { Ticks: > 0 } early)
                {
                    await Task.Delay(early);
                }
                var start = Stopwatch.GetTimestamp();
                var changes = passBatches[index].Select(tick => new PriceChange(tick.Symbol, tick.Price, tick.PreviousPrice, null, "bench", tick.Time, tick.Time, null, null)).ToList();
                var batchStored = await writer.JudgeAsync(stateChanges =>
                {
                    var firings = engine.Evaluate(changes, stateChanges).Firings;
                    stateChangeTotal += stateChanges.Count;
                    return new Judged(firings, null);
                }, CancellationToken.None);
                var slot = index;
                stored.Add(batchStored.ContinueWith(_ => done[slot] = Stopwatch.GetElapsedTime(start).TotalMilliseconds, TaskScheduler.Default));
            }
            await Task.WhenAll(stored);
            passLatencies.AddRange(done);
            return stateChangeTotal;
        }

        var slowest = string.Join(", ", latencies.Select((milliseconds, index) => (milliseconds, index)).OrderByDescending(item => item.milliseconds).Take(6).Select(item => $"#{item.index} {item.milliseconds:0} ms"));
        var measured = rules.Select(rule => rule.Id).ToHashSet();
        var stored = (await StoredFiringsAsync(services)).Where(firing => measured.Contains(firing.Rule)).ToList();
        var notifications = await NotificationCountAsync(services) - notificationsBefore;
        var firingsFile = Path.Combine(folder, "firings.csv");
        await File.WriteAllLinesAsync(firingsFile, ["rule,sequence,time,price", .. stored.Select(firing => $"{firing.Rule},{firing.Sequence},{firing.Time:O},{firing.Price.ToString(CultureInfo.InvariantCulture)}")]);

        var rate = tickCount / seconds;
        Console.WriteLine($"end to end (price batch → firings committed → published, notifications stored): {rate:N0} ticks/s, {stored.Count / seconds:N0} firings/s, " +
            $"{stored.Count:N0} firings, {notifications:N0} notifications; {(hops.TryGetValue("alerts.store_firings", out var commits) ? commits.Count : 0)} transactions of firings for {batches.Count} batches, {stateChangeCount:N0} state changes" +
            (warm ? "; after a warm-up pass on other symbols" : "") + (feedRate > 0 ? $"; fed {feedRate} batches per second" : "; fed all at once"));
        Console.WriteLine($"per price batch ({tickCount / batches.Count:N0} ticks, {stored.Count / (double)batches.Count:N1} firings): {Percentiles.Describe(latencies, "ms")}");
        Console.WriteLine($"slowest batches: {slowest}");
        foreach (var hop in new[] { "alerts.store_firings", "notifications.store" })
        {
            Console.WriteLine($"  {hop}: {(hops.TryGetValue(hop, out var samples) ? Percentiles.Describe(samples, "ms") : "no samples")}");
        }
        Console.WriteLine($"ratio to the in-memory engine: {rate / engineRate:P1}");
        var floor = await DatabaseFloorAsync(services, batches.Select(batch => engineFirings.Count(firing => firing.Time == batch[0].Time)).ToList());
        Console.WriteLine($"database floor (the same firing rows per batch, one bare prepared INSERT each and one commit per batch): {tickCount / floor.TotalSeconds:N0} ticks/s, " +
            $"{floor.TotalMilliseconds / batches.Count:0.00} ms per batch; end to end is {floor.TotalSeconds / seconds:P0} of it (it writes three rows per firing: the rule's move, the firing, its notification)");
        Console.WriteLine($"stored firings equal to the oracle: {Compare(stored, oracle)} (written to {firingsFile})");
        return Compare(stored, oracle) == "yes" ? 0 : 1;
    }

    /// <summary>What the database alone takes for the firings: one transaction per batch, a bare row per firing.</summary>
    private static async Task<TimeSpan> DatabaseFloorAsync(IServiceProvider services, List<int> firingsPerBatch)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        await database.Database.ExecuteSqlRawAsync("CREATE TABLE bench_floor (Id CHAR(36) NOT NULL PRIMARY KEY, RuleId CHAR(36) NOT NULL, Sequence INT NOT NULL, FiredAt DATETIME(6) NOT NULL, Price DECIMAL(28,10) NOT NULL, Message VARCHAR(300) NOT NULL)");
        await database.Database.OpenConnectionAsync();
        var started = Stopwatch.GetTimestamp();
        var sequence = 0;
        foreach (var count in firingsPerBatch)
        {
            await using var transaction = await database.Database.GetDbConnection().BeginTransactionAsync();
            await using var command = database.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO bench_floor (Id, RuleId, Sequence, FiredAt, Price, Message) VALUES (@id, @rule, @sequence, @time, @price, @message)";
            foreach (var name in new[] { "@id", "@rule", "@sequence", "@time", "@price", "@message" })
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            await command.PrepareAsync();
            for (var index = 0; index < count; index++)
            {
                command.Parameters[0].Value = Guid.NewGuid().ToString();
                command.Parameters[1].Value = Guid.NewGuid().ToString();
                command.Parameters[2].Value = ++sequence;
                command.Parameters[3].Value = DateTime.UtcNow;
                command.Parameters[4].Value = 123.45m;
                command.Parameters[5].Value = "S001: price 123.45 is at or above 123.00.";
                await command.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static List<Firing> Oracle(List<AlertRule> rules, List<List<PriceTick>> batches)
    {
        var naive = new NaiveScan();
        rules.ForEach(rule => naive.Add(rule));
        return batches.SelectMany(batch => batch).SelectMany(tick => naive.Evaluate(tick)).Select(Firing.Of).ToList();
    }

    private static (double Rate, List<Firing> Firings, double BytesPerTick) InMemory(List<AlertRule> rules, List<List<PriceTick>> batches)
    {
        var index = new RuleIndex();
        rules.ForEach(rule => index.Add(rule));
        var found = new List<FiringCandidate>();
        var ticks = batches.SelectMany(batch => batch).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        foreach (var tick in ticks)
        {
            found.AddRange(index.Evaluate(tick));
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        return (ticks.Count / seconds, found.Select(Firing.Of).ToList(), bytes / (double)ticks.Count);
    }

    public static async Task SeedAsync(IServiceProvider services, List<AlertRule> rules)
    {
        var now = DateTime.UtcNow;
        await using (var scope = services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            await using var transaction = await database.Database.BeginTransactionAsync();
            await new TableCommands(database, typeof(AlertRuleRecord)).InsertAsync(rules.Select(rule => AlertsBench.ToRecord(rule, now)).ToList(), CancellationToken.None);
            await transaction.CommitAsync();
        }
        var engine = services.GetRequiredService<AlertEngine>();
        await engine.Ready;
        await services.GetRequiredService<RuleSync>().ReloadAsync(rules.Select(rule => rule.Id).ToList());
        Console.WriteLine($"seeded {rules.Count:N0} rules; the service's index holds {engine.Count:N0}");
    }

    private static async Task<List<Firing>> StoredFiringsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Firings.AsNoTracking()
            .Select(firing => new { firing.RuleId, firing.Sequence, firing.FiredAt, firing.Price }).ToListAsync();
        return rows.Select(row => new Firing(row.RuleId, row.Sequence, row.FiredAt, row.Price)).ToList();
    }

    private static async Task<int> NotificationCountAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Notifications.Data.NotificationsDbContext>().Notifications.CountAsync();
    }

    private static string Compare(List<Firing> found, List<Firing> oracle)
    {
        var expected = oracle.ToHashSet();
        var actual = found.ToHashSet();
        var missing = expected.Count(firing => !actual.Contains(firing));
        var extra = actual.Count(firing => !expected.Contains(firing));
        return missing == 0 && extra == 0 && found.Count == oracle.Count ? "yes" : $"NO ({missing} missing, {extra} extra, {found.Count} vs {oracle.Count})";
    }

    private sealed record Firing(Guid Rule, int Sequence, DateTime Time, decimal Price)
    {
        public static Firing Of(FiringCandidate candidate) => new(candidate.RuleId, candidate.Sequence, candidate.Time, candidate.Price);
    }

    /// <summary>
    /// The workload's files. rules.csv: id,user,symbol,condition,level,frequency,cooldownSeconds. ticks.csv:
    /// time,symbol,price; consecutive lines with the same time are one price batch (one poll of the provider).
    /// </summary>
    private static class Workload
    {
        private static readonly DateTime Start = new(2026, 3, 2, 15, 0, 0, DateTimeKind.Utc);

        public static void Write(string rulesFile, string ticksFile, int ruleCount, int symbolCount, int tickCount)
        {
            var random = new Random(7);
            var symbols = Enumerable.Range(0, symbolCount).Select(index => $"S{index:D3}").ToArray();
            var prices = symbols.ToDictionary(symbol => symbol, _ => Math.Round(20 + (decimal)random.NextDouble() * 480, 2));
            using (var writer = new StreamWriter(rulesFile))
            {
                writer.WriteLine("id,user,symbol,condition,level,frequency,cooldownSeconds");
                for (var index = 0; index < ruleCount; index++)
                {
                    var symbol = symbols[index % symbolCount];
                    var above = random.Next(2) == 0;
                    var level = Math.Round(prices[symbol] * (1 + (above ? 1 : -1) * (decimal)(random.NextDouble() * 0.02)), 2);
                    var everyTime = random.Next(100) < 30;
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Guid.NewGuid()},user-{random.Next(1000)},{symbol},{(above ? "above" : "below")},{level},{(everyTime ? "everyTime" : "once")},{(everyTime ? 60 : 0)}"));
                }
            }
            using (var writer = new StreamWriter(ticksFile))
            {
                writer.WriteLine("time,symbol,price");
                // A price per symbol every second, as a poll brings them: the first batch starts every symbol.
                for (var second = 0; second * symbolCount < tickCount + symbolCount; second++)
                {
                    var time = Start.AddSeconds(second);
                    foreach (var symbol in symbols)
                    {
                        prices[symbol] = Math.Max(0.01m, Math.Round(prices[symbol] * (1 + (decimal)((random.NextDouble() - 0.5) * 0.004)), 2));
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time:O},{symbol},{prices[symbol]}"));
                    }
                }
            }
        }

        public static List<AlertRule> ReadRules(string file) => File.ReadLines(file).Skip(1).Select(line => line.Split(',')).Select(fields =>
            new AlertRule(Guid.Parse(fields[0]), fields[1], fields[2],
                new AlertCondition(Enum.Parse<ConditionType>(fields[3], ignoreCase: true)) { Level = decimal.Parse(fields[4], CultureInfo.InvariantCulture) })
            {
                Frequency = fields[5] == "everyTime" ? AlertFrequency.EveryTime(int.Parse(fields[6], CultureInfo.InvariantCulture)) : AlertFrequency.Once,
            }).ToList();

        public static List<List<PriceTick>> ReadTicks(string file)
        {
            var batches = new List<List<PriceTick>>();
            foreach (var fields in File.ReadLines(file).Skip(1).Select(line => line.Split(',')))
            {
                var time = DateTime.Parse(fields[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                if (batches.Count == 0 || batches[^1][0].Time != time)
                {
                    batches.Add([]);
                }
                batches[^1].Add(new PriceTick(fields[1], decimal.Parse(fields[2], CultureInfo.InvariantCulture), null, time));
            }
            // Each tick knows the price before it, as the feed's PriceChange does.
            var previous = new Dictionary<string, decimal>();
            return batches.Select(batch => batch.Select(tick =>
            {
                var before = previous.TryGetValue(tick.Symbol, out var price) ? price : (decimal?)null;
                previous[tick.Symbol] = tick.Price;
                return tick with { PreviousPrice = before };
            }).ToList()).ToList();
        }
    }
}
