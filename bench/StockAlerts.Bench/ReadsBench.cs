using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace StockAlerts.Bench;

/// <summary>
/// The read path from outside: the real service process (embedded, or MariaDB + Redis with --db-mysql and --redis),
/// a signed-in user following 50 symbols of the simulated feed, and the same number of connections asking as fast as
/// they are answered for: /health/live (the framework's floor: no authentication, no lookup), one quote, and 50
/// quotes in one request. Requests/s, latency, and the CPU of the service and of this load generator (both on this
/// machine's 2 cores) per endpoint; the ratio of each to /health/live is the figure that counts.
/// </summary>
internal static class ReadsBench
{
    private const string Password = "Correct-Horse-42";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var connections = options.Int("connections", 32);
        var seconds = options.Int("seconds", 10);
        var production = options.Text("db-mysql") is not null;
        var settings = new Dictionary<string, string?>
        {
            // The limiter still runs on every request; a limit the load never reaches keeps the answers 200s.
            ["RateLimits:PerUserPerMinute"] = "1000000",
            ["RateLimits:PerAddressPerMinute"] = "1000000",
            ["RateLimits:AuthPerMinute"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Admin:Emails:0"] = Email,
        };
        if (options.Text("db-mysql") is { } mysql)
        {
            settings["Database:Provider"] = "MySql";
            settings["ConnectionStrings:Database"] = mysql;
        }
        if (options.Text("redis") is { } redis)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        Console.WriteLine($"reads bench: {(production ? "MariaDB + Redis" : "embedded (SQLite, in-process store)")}, {connections} connections, {seconds} s per endpoint after 2 s of warm-up");

        using var service = ServiceProcess.Start(settings);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(service.Address),
            Timeout = TimeSpan.FromSeconds(30),
        };
        await service.WaitUntilLiveAsync(client);
        var token = await SignInAsync(client);
        var symbols = await FollowAsync(client, token, 50);
        var one = symbols.Contains("AAPL") ? "AAPL" : symbols[0];
        Console.WriteLine($"   following {symbols.Count} symbols; one quote: {one}; service pid {service.ProcessId}");

        var results = new List<(string Name, Result Result)>();
        foreach (var (name, path, authenticated) in new[]
        {
            ("/health/live", "/health/live", false),
            ($"GET /api/prices/{one}", $"/api/prices/{one}", true),
            ("GET /api/prices?symbols= (50)", $"/api/prices?symbols={string.Join(',', symbols)}", true),
        }.Where(endpoint => options.Text("only") is not { } only || endpoint.Item2.Contains(only, StringComparison.Ordinal)))
        {
            var result = await LoadAsync(client, service, path, authenticated ? token : null, connections, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"   {name}: {result.PerSecond:N0} requests/s, p50 {result.P50:0.00} ms, p99 {result.P99:0.00} ms, {result.Failed:N0} not 200; "
                + $"service CPU {result.ServiceCores:0.00} cores, load generator {result.LoadCores:0.00} cores");
            results.Add((name, result));
        }

        var floor = results[0].Result.PerSecond;
        Console.WriteLine();
        Console.WriteLine("| endpoint | requests/s | vs /health/live | p50 ms | p99 ms | service CPU (cores) | load generator CPU (cores) | CPU µs per request (service) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (name, result) in results)
        {
            Console.WriteLine($"| {name} | {result.PerSecond:N0} | {result.PerSecond / floor:0.00} | {result.P50:0.00} | {result.P99:0.00} | {result.ServiceCores:0.00} | {result.LoadCores:0.00} | {result.ServiceCores * 1e6 / result.PerSecond:0} |");
        }
        return results.Any(result => result.Result.Failed > 0) ? 1 : 0;
    }

    // An admin, so the bench can add instruments until there are 50 to follow (the seeded catalog has fewer).
    private static readonly string Email = $"reads-{Guid.NewGuid():N}@example.com";

    private static async Task<string> SignInAsync(HttpClient client)
    {
        var email = Email;
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Follows the first <paramref name="count"/> instruments and waits until each has a price.</summary>
    private static async Task<List<string>> FollowAsync(HttpClient client, string token, int count)
    {
        using var signedIn = new HttpClient { BaseAddress = client.BaseAddress };
        signedIn.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client = signedIn;
        var instruments = await client.GetFromJsonAsync<JsonElement>("/api/instruments");
        var list = instruments.ValueKind == JsonValueKind.Array ? instruments : instruments.GetProperty("items");
        var symbols = list.EnumerateArray().Select(instrument => instrument.GetProperty("symbol").GetString()!).Take(count).ToList();
        for (var added = 0; symbols.Count < count; added++)
        {
            var symbol = $"BX{(char)('A' + added / 26)}{(char)('A' + added % 26)}";
            (await client.PostAsJsonAsync("/api/instruments", new { symbol, kind = "stock", currency = "USD", displayName = $"Bench {symbol}", provider = "simulated", referencePrice = 100m }))
                .EnsureSuccessStatusCode();
            symbols.Add(symbol);
        }
        foreach (var symbol in symbols)
        {
            (await client.PutAsync($"/api/watchlist/{symbol}", null)).EnsureSuccessStatusCode();
        }
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            using var response = await client.GetAsync($"/api/prices?symbols={string.Join(',', symbols)}");
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() == symbols.Count)
            {
                return symbols;
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("the simulated feed did not price the followed symbols within 60 s");
    }

    private static async Task<Result> LoadAsync(HttpClient client, ServiceProcess service, string path, string? token, int connections, TimeSpan warmup, TimeSpan duration)
    {
        var measuring = false;
        var stop = false;
        var latencies = new List<double>[connections];
        var failed = 0;
        async Task WorkerAsync(int worker)
        {
            latencies[worker] = new List<double>(100_000);
            while (!Volatile.Read(ref stop))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                // Only the authenticated endpoints carry the token: a bearer header is read on any request.
                request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                if (Volatile.Read(ref measuring))
                {
                    latencies[worker].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }
        }
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(() => WorkerAsync(worker))).ToList();
        await Task.Delay(warmup);
        var serviceFrom = service.CpuSeconds();
        var loadFrom = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var window = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, true);
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        var elapsed = Stopwatch.GetElapsedTime(window).TotalSeconds;
        var serviceCores = (service.CpuSeconds() - serviceFrom) / elapsed;
        var loadCores = (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - loadFrom) / elapsed;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(each => each).Order().ToList();
        return new Result(all.Count / elapsed, all[all.Count / 2], all[(int)(all.Count * 0.99)], failed, serviceCores, loadCores);
    }

    private sealed record Result(double PerSecond, double P50, double P99, int Failed, double ServiceCores, double LoadCores);

    /// <summary>The built service (Release) as its own process on a free loopback port, with a fresh data folder.</summary>
    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process process;

        private ServiceProcess(Process process, string address) => (this.process, Address) = (process, address);

        public string Address { get; }

        public int ProcessId => process.Id;

        public static ServiceProcess Start(Dictionary<string, string?> settings)
        {
            var service = ColdStartBench.ServiceDll();
            var start = new ProcessStartInfo("dotnet", [service]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (key, value) in settings)
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
            var address = $"http://127.0.0.1:{ClusterBench.FreePort()}";
            start.Environment["URLS"] = address;
            start.Environment["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-bench-").FullName;
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is { } text)
                {
                    Console.Error.WriteLine($"   service: {text}");
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new ServiceProcess(process, address);
        }

        public async Task WaitUntilLiveAsync(HttpClient client)
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(120))
            {
                try
                {
                    using var response = await client.GetAsync("/health/ready");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the service exited with {process.ExitCode}");
                }
                await Task.Delay(250);
            }
            throw new TimeoutException("the service was not ready within 120 s");
        }

        public double CpuSeconds() => ClusterBench.CpuSeconds(process.Id);

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
