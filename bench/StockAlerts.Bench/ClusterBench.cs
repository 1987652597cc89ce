using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using StackExchange.Redis;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Bench;

/// <summary>
/// Scale-out: the same stored rules and the same price stream with 1, 2, ... N real service processes on one MariaDB
/// and one Redis. Per instance: rules indexed, resident memory once the index is built, and the CPU seconds it spends
/// while the stream is evaluated (this machine has 2 cores, so CPU time per instance shows the share, not throughput).
/// The bench publishes the prices on the relay channel as a polling instance does, so every instance receives every
/// batch; one instance is the baseline of the ratios, measured in the same run.
/// </summary>
internal static class ClusterBench
{
    private const string RelayChannel = "stockalerts:prices:updated";
    private const int Symbols = 5000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Int("rules", 1_000_000);
        var most = options.Int("instances", 3);
        var seconds = options.Int("seconds", 30);
        var rate = options.Int("rate", 2000);
        var warmup = options.Int("warmup", 10);
        if (options.Text("db-mysql") is not { } mysql || options.Text("redis") is not { } redis)
        {
            Console.Error.WriteLine("the cluster bench needs --db-mysql \"$(bench/mariadb.sh)\" and --redis \"$(bench/redis.sh)\"");
            return 2;
        }
        var settings = BenchApp.QuietSettings(options);
        Console.WriteLine($"cluster bench: {count:N0} rules over {Symbols:N0} symbols on MariaDB, 1..{most} instances, {rate:N0} ticks/s for {seconds} s after {warmup} s of warm-up");
        if (options.Int("seed", 1) == 1)
        {
            await ColdStartBench.SeedAsync(settings, count);
        }
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true");
        var service = ColdStartBench.ServiceDll();
        var results = new List<Round>();
        // --from N starts with the round of N instances (its baseline is then that round's first instance).
        for (var instances = options.Int("from", 1); instances <= most; instances++)
        {
            await ResetAsync(mysql);
            results.Add(await RoundAsync(service, settings, connection, instances, count, seconds, rate, warmup));
        }

        Console.WriteLine();
        Console.WriteLine("| instances | rules per instance | memory per instance (RSS) | evaluating, CPU s per instance | vs 1 instance | evaluating, wall s | vs 1 instance | process CPU s per instance (idle taken out) | vs 1 instance | Redis bytes out |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var baseline = results[0].Instances[0].Cpu;
        var evaluationBaseline = results[0].Instances[0].Evaluation;
        var evaluationCpuBaseline = results[0].Instances[0].EvaluationCpu;
        foreach (var round in results)
        {
            Console.WriteLine($"| {round.Instances.Count} | {string.Join(" / ", round.Instances.Select(each => each.Rules.ToString("N0")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => $"{each.MemoryMb:N0} MB"))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => each.EvaluationCpu.ToString("0.00")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => (each.EvaluationCpu / evaluationCpuBaseline).ToString("0.00")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => each.Evaluation.ToString("0.00")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => (each.Evaluation / evaluationBaseline).ToString("0.00")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => each.Cpu.ToString("0.0")))} "
                + $"| {string.Join(" / ", round.Instances.Select(each => (each.Cpu / baseline).ToString("0.00")))} | {round.RedisBytesOut / 1e6:0.0} MB |");
        }
        return 0;
    }

    private static async Task<Round> RoundAsync(string service, Dictionary<string, string?> settings, ConnectionMultiplexer redis, int instances, int count, int seconds, int rate, int warmup)
    {
        Console.WriteLine($"-- {instances} instance(s)");
        await redis.GetServers()[0].FlushDatabaseAsync();
        var processes = new List<Process>();
        try
        {
            var started = Stopwatch.GetTimestamp();
            for (var index = 0; index < instances; index++)
            {
                processes.Add(Start(service, settings, $"i{index}", started));
            }
            // Shared once: each instance has said its shards and rules, no shard twice, every rule in one index.
            var owners = new Dictionary<string, (ulong Shards, int Rules)>();
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(10))
            {
                owners = await OwnersAsync(redis);
                if (owners.Count == instances && owners.Values.Sum(owner => owner.Rules) == count
                    && owners.Values.Sum(owner => System.Numerics.BitOperations.PopCount(owner.Shards)) == 64)
                {
                    break;
                }
                await Task.Delay(500);
            }
            Console.WriteLine($"   shared after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: "
                + string.Join("; ", owners.Select(owner => $"{System.Numerics.BitOperations.PopCount(owner.Value.Shards)} shards, {owner.Value.Rules:N0} rules")));
            // The index's memory, before any price: what holding its share of the rules costs each instance.
            var indexMemory = processes.Select(process => ResidentMb(process.Id)).ToList();
            Console.WriteLine($"   memory after the index build: {string.Join(" / ", indexMemory.Select(each => $"{each:N0} MB"))}");
            // Steady state is measured: the stream's code is compiled (tiered JIT) in every instance first, a cost each
            // pays once whatever its share. Then the start's garbage settles before memory is read.
            if (warmup > 0)
            {
                var beforeWarmup = await Task.WhenAll(processes.Select(EvaluationAsync));
                var (_, warmupBatches) = await FeedAsync(redis, warmup, rate);
                await CaughtUpAsync(processes, beforeWarmup, warmupBatches, "warm-up");
                // Until the warm-up's firings are published: the idle CPU measured next must be idle.
                await QuietAsync(processes);
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
            var memory = processes.Select(process => ResidentMb(process.Id)).ToList();
            var idleFrom = processes.Select(process => CpuSeconds(process.Id)).ToList();
            var idle = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idlePerSecond = processes.Select((process, index) => (CpuSeconds(process.Id) - idleFrom[index]) / Stopwatch.GetElapsedTime(idle).TotalSeconds).ToList();

            var bytesBefore = await RedisBytesOutAsync(redis);
            var cpuFrom = processes.Select(process => CpuSeconds(process.Id)).ToList();
            var evaluationFrom = await Task.WhenAll(processes.Select(EvaluationAsync));
            var window = Stopwatch.GetTimestamp();
            var (ticks, batches) = await FeedAsync(redis, seconds, rate);
            // The instances finish what they received (firings are stored with durable commits): until then they have
            // not done the same work. (Read after a fixed 10 s, an instance storing the firings of all rules was still
            // on the round's 10th batch of 300, and the CPU of unequal work was compared.)
            var evaluationTo = await CaughtUpAsync(processes, evaluationFrom, batches, "round");
            var elapsed = Stopwatch.GetElapsedTime(window).TotalSeconds;
            var bytesOut = await RedisBytesOutAsync(redis) - bytesBefore;
            // A member's name carries its process id.
            int RulesOf(Process process) => owners.FirstOrDefault(owner => owner.Key.Split('-')[^2] == process.Id.ToString()).Value.Rules;
            var measured = processes.Select((process, index) => new Instance(RulesOf(process), memory[index],
                CpuSeconds(process.Id) - cpuFrom[index] - idlePerSecond[index] * elapsed, evaluationTo[index].Wall - evaluationFrom[index].Wall,
                evaluationTo[index].Cpu - evaluationFrom[index].Cpu)).ToList();
            Console.WriteLine($"   {ticks:N0} ticks fed; per instance: memory {string.Join(" / ", measured.Select(each => $"{each.MemoryMb:N0} MB"))}, "
                + $"evaluating (the engine's own clocks) {string.Join(" / ", measured.Select(each => $"{each.EvaluationCpu:0.00} s CPU, {each.Evaluation:0.00} s wall"))}, "
                + $"process CPU {string.Join(" / ", measured.Select(each => $"{each.Cpu:0.0} s"))} (idle CPU taken out: {string.Join(" / ", idlePerSecond.Select(each => $"{each * elapsed:0.0} s"))}), "
                + $"Redis sent {bytesOut / 1e6:0.0} MB");
            return new Round(measured, bytesOut);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>
    /// Every round starts from the seeded rules: a rule a round fired (a once-rule is then triggered) would otherwise
    /// not fire in the next, and the rounds would compare unequal work. Their firings and notifications go too.
    /// </summary>
    private static async Task ResetAsync(string connectionString)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = new MySqlConnector.MySqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<int> RunAsync(string sql)
        {
            await using var command = new MySqlConnector.MySqlCommand(sql, connection) { CommandTimeout = 1800 };
            return await command.ExecuteNonQueryAsync();
        }
        var rules = await RunAsync("UPDATE alerts_rules SET State = 'active', StateReason = NULL, FireCount = 0, ArmedAtFireCount = 0, MaxFiresCountedFrom = 0, " +
            "LastFiredAt = NULL, LastFiredPrice = NULL, Armed = 1, TrailingExtreme = NULL, StepAnchor = NULL, Paused = 0, PausedUntil = NULL " +
            "WHERE FireCount <> 0 OR State <> 'active' OR StateReason IS NOT NULL OR Armed = 0 OR Paused OR PausedUntil IS NOT NULL OR TrailingExtreme IS NOT NULL OR StepAnchor IS NOT NULL");
        var firings = await RunAsync("DELETE FROM alerts_firings");
        var notifications = await RunAsync("DELETE FROM notifications_deliveries") + await RunAsync("DELETE FROM notifications_notifications");
        Console.WriteLine($"   reset: {rules:N0} rules back to their seeded state, {firings:N0} firings and {notifications:N0} notifications and deliveries deleted, in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
    }

    /// <summary>Waits (at most 30 s) until every instance uses under a tenth of a core for three seconds running.</summary>
    private static async Task QuietAsync(List<Process> processes)
    {
        var started = Stopwatch.GetTimestamp();
        var quietSeconds = 0;
        while (quietSeconds < 3 && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            var before = processes.Select(process => CpuSeconds(process.Id)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(1));
            quietSeconds = processes.Select((process, index) => CpuSeconds(process.Id) - before[index]).All(used => used < 0.1) ? quietSeconds + 1 : 0;
        }
        Console.WriteLine($"   quiet {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s after the warm-up");
    }

    /// <summary>A random walk over the seeded symbols (their seeded prices), in batches every 100 ms, on the relay channel.</summary>
    private static async Task<(int Ticks, int Batches)> FeedAsync(ConnectionMultiplexer redis, int seconds, int rate)
    {
        var random = new Random(42);
        var symbols = Enumerable.Range(0, Symbols).Select(index => $"S{index:D5}").ToArray();
        var prices = symbols.ToDictionary(symbol => symbol, _ => (decimal)Math.Round(20 + random.NextDouble() * 480, 2));
        var last = new Dictionary<string, DateTime>();
        var subscriber = redis.GetSubscriber();
        var perBatch = Math.Max(1, rate / 10);
        var ticks = 0;
        var started = Stopwatch.GetTimestamp();
        var batches = seconds * 10;
        for (var batch = 0; batch < batches; batch++)
        {
            var now = DateTime.UtcNow;
            var changes = new List<PriceChange>(perBatch);
            foreach (var symbol in Enumerable.Range(0, perBatch).Select(_ => symbols[random.Next(Symbols)]).Distinct())
            {
                var previous = prices[symbol];
                var price = Math.Round(previous * (1 + (decimal)((random.NextDouble() - 0.5) * 0.01)), 2);
                prices[symbol] = price;
                changes.Add(new PriceChange(symbol, price, previous, last.GetValueOrDefault(symbol, now.AddSeconds(-1)), "bench", now, now, null, null));
                last[symbol] = now;
            }
            await subscriber.PublishAsync(RedisChannel.Literal(RelayChannel), JsonSerializer.Serialize(new { instance = "bench", changes }, JsonSerializerOptions.Web));
            ticks += changes.Count;
            var due = TimeSpan.FromMilliseconds(100 * (batch + 1)) - Stopwatch.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }
        return (ticks, batches);
    }

    private static Process Start(string service, Dictionary<string, string?> settings, string name, long started)
    {
        var start = new ProcessStartInfo("dotnet", [service]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Information";
        var address = $"http://127.0.0.1:{FreePort()}";
        start.Environment["URLS"] = address;
        // The engine's own timing of each price batch is read from /metrics.
        start.Environment["Telemetry__Prometheus"] = "true";
        start.Environment["Telemetry__ScrapeToken"] = ScrapeToken;
        start.Environment["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-bench-").FullName;
        var process = Process.Start(start)!;
        Addresses[process.Id] = address;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && (text.Contains("Cluster:", StringComparison.Ordinal) || text.Contains("rule index ready", StringComparison.Ordinal) || text.Contains("memory handed back", StringComparison.Ordinal)))
            {
                Console.WriteLine($"   {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0.0} s {name}: {text.Trim()}");
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly string ScrapeToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
    private static readonly Dictionary<int, string> Addresses = [];
    private static readonly HttpClient Scraper = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Seconds the instance's rule index has spent on price batches so far (the alerts.evaluation.duration histogram's sum).</summary>
    /// <summary>
    /// The engine's own accounts of the batches it evaluated: wall time (which counts waiting for a core, and with N
    /// processes on 2 cores each waits more) and the evaluating thread's CPU time (which does not).
    /// </summary>
    private static async Task<Evaluation> EvaluationAsync(Process process)
    {
        // An instance answers HTTP a moment after it has said its shards in Redis.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ScrapeAsync(process);
            }
            catch (HttpRequestException) when (attempt < 60)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static async Task<Evaluation> ScrapeAsync(Process process)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Addresses[process.Id]}/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ScrapeToken);
        using var response = await Scraper.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        double Value(string name) => lines.FirstOrDefault(text => text.StartsWith(name + "{", StringComparison.Ordinal) || text.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new Evaluation(Value("stockalerts_alerts_evaluation_duration_seconds_sum"), Value("stockalerts_alerts_evaluation_cpu_seconds_total"),
            (long)Value("stockalerts_alerts_evaluation_duration_seconds_count"), (long)Value("stockalerts_alerts_firings_total"));
    }

    private sealed record Evaluation(double Wall, double Cpu, long Batches, long Firings);

    /// <summary>
    /// Waits until every instance has evaluated (and stored the firings of) every batch fed so far: each instance
    /// evaluates every relayed batch, one after the other, so only then have all of them done the same work.
    /// </summary>
    private static async Task<Evaluation[]> CaughtUpAsync(List<Process> processes, Evaluation[] before, int batches, string what)
    {
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        while (true)
        {
            var now = await Task.WhenAll(processes.Select(EvaluationAsync));
            var done = now.Select((each, index) => each.Batches - before[index].Batches).ToList();
            var caughtUp = done.All(count => count >= batches);
            if (caughtUp || Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(20))
            {
                Console.WriteLine($"   {what}: {string.Join(" / ", done)} of {batches} batches evaluated, {string.Join(" / ", now.Select((each, index) => each.Firings - before[index].Firings))} firings stored, " +
                    $"{Stopwatch.GetElapsedTime(started).TotalSeconds:0} s after the feed{(caughtUp ? "" : " (NOT caught up: gave up after 20 min)")}");
                return now;
            }
            if (Stopwatch.GetElapsedTime(reported) > TimeSpan.FromSeconds(15))
            {
                reported = Stopwatch.GetTimestamp();
                Console.WriteLine($"   {what}: {string.Join(" / ", done)} of {batches} batches evaluated so far");
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<Dictionary<string, (ulong Shards, int Rules)>> OwnersAsync(ConnectionMultiplexer redis)
    {
        var owners = new Dictionary<string, (ulong, int)>();
        foreach (var entry in await redis.GetDatabase().HashGetAllAsync("stockalerts:cluster:owned"))
        {
            var parts = ((string)entry.Value!).Split(';');
            owners[(string)entry.Name!] = (ulong.Parse(parts[0], System.Globalization.NumberStyles.HexNumber), int.Parse(parts[1]));
        }
        return owners;
    }

    private static async Task<long> RedisBytesOutAsync(ConnectionMultiplexer redis)
    {
        var info = await redis.GetServers()[0].InfoAsync("stats");
        return long.Parse(info.SelectMany(group => group).First(pair => pair.Key == "total_net_output_bytes").Value);
    }

    private static double ResidentMb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;

    /// <summary>User and system time of the process (and its threads) so far, from /proc (clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Instance(int Rules, double MemoryMb, double Cpu, double Evaluation, double EvaluationCpu);

    private sealed record Round(List<Instance> Instances, long RedisBytesOut);
}
