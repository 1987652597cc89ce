using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Bench;

/// <summary>
/// Ingest → store → PricesUpdated → SignalR group send, for many symbols and clients over real WebSockets on
/// loopback. Prints ticks/s through the ingest path and the latency from ingest to a client's receipt; with --floor 1,
/// the same for a server that does nothing but the fan-out, the bound the service is put against.
/// </summary>
internal static class PricesBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var symbolCount = options.Int("symbols", 5000);
        var clientCount = options.Int("clients", 50);
        // --protocol messagepack: the clients speak the MessagePack hub protocol instead of JSON; --protocol lean: bare
        // WebSockets speaking the JSON hub protocol, a generator that leaves more of the machine to the service.
        var protocol = options.Text("protocol") ?? "json";
        var perClient = options.Int("per-client", 100);
        var rounds = options.Int("rounds", 20);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-bench-").FullName,
            ["Jobs:Schedule"] = "false",
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:MaxSymbolsPerConnection"] = "5000",
            ["Prices:MaxUpdatesPerSecond"] = "10",
            // Every client is the same signed-in user here: its per-user caps are raised (they still run).
            ["Realtime:CallsPerSecond"] = "10000",
            ["RateLimits:PerUserPerMinute"] = "1000000",
            ["Realtime:MaxConnectionsPerUser"] = Math.Max(1000, clientCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (options.Text("mysql") is { } mysql)
        {
            settings["Database:Provider"] = "MySql";
            settings["ConnectionStrings:Database"] = mysql;
        }
        if (options.Text("redis") is { } redis)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }

        Console.WriteLine($"prices bench: {symbolCount:N0} symbols, {clientCount} clients x {perClient} symbols ({protocol switch { "messagepack" => "MessagePack", "lean" => "JSON, bare WebSocket clients", _ => "JSON" }}), {rounds} rounds, store {(settings.ContainsKey("ConnectionStrings:Redis") ? "Redis" : "in-process")}");
        // The service runs with the server collector (the web project's default); this bench process does not unless
        // started with DOTNET_gcServer=1, and at 5,000 clients that alone moved p99 (median of its runs 505 -> 358 ms).
        Console.WriteLine(System.Runtime.GCSettings.IsServerGC
            ? "GC: server, as the service runs"
            : "GC: workstation (the service runs with the server collector: start the bench with DOTNET_gcServer=1 to measure it so)");
        // --floor 1: the same clients and rounds against FanOutFloor (bare WebSockets, no store) instead of the service;
        // it speaks only what the lean clients need (no negotiate, no MessagePack).
        if (options.Int("floor", 0) == 1 && protocol != "lean")
        {
            Console.Error.WriteLine("prices bench: --floor 1 needs --protocol lean");
            return 2;
        }
        var floor = options.Int("floor", 0) == 1 ? await FanOutFloor.StartAsync() : null;
        await using var floorLife = floor;
        await using var app = new BenchApp(settings);
        var symbols = Enumerable.Range(0, symbolCount).Select(index => $"B{index:D5}").ToList();
        Uri address;
        string token;
        if (floor is null)
        {
            app.UseKestrel(0);
            app.StartServer();
            await SeedInstrumentsAsync(app.Services, symbols);
            Console.WriteLine($"seeded {symbols.Count:N0} instruments");
            (address, token) = (app.ClientOptions.BaseAddress, await SignInAsync(app));
        }
        else
        {
            Console.WriteLine("the fan-out floor, not the service: bare WebSockets, no store, no SignalR");
            (address, token) = (floor.Address, "none");
        }

        var random = new Random(7);
        var phase = new Random(13);
        // The clients in this process, or (--clients-process 1) in a process of their own, so that the service's CPU
        // and the load generator's are read apart (both still share this machine's cores).
        await using var clients = options.Int("clients-process", 0) == 1
            ? await PriceClientsProcess.StartAsync(address, token, symbols, clientCount, perClient, protocol)
            : await PriceClients.ConnectAsync(address, token, symbols, clientCount, perClient, protocol);
        // --warmup N rounds first (default 80, about 12 s): a service that has been up a while has its hot paths
        // compiled by the JIT's second tier; in the first seconds after start the JIT took a quarter of the CPU.
        var warmup = options.Int("warmup", 80);
        Console.WriteLine($"{clientCount} clients connected and subscribed; {warmup} warm-up rounds, then {rounds} measured");
        var serviceCpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
        var clientsCpuFrom = clients.CpuSeconds();

        var prices = symbols.ToDictionary(symbol => symbol, _ => 100m + random.Next(0, 1000));
        var ingestMilliseconds = new List<double>();
        var total = Stopwatch.StartNew();
        for (var round = -warmup; round < rounds; round++)
        {
            if (round == 0)
            {
                await clients.ResetAsync();
                serviceCpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
                clientsCpuFrom = clients.CpuSeconds();
                total.Restart();
            }
            var quotes = symbols.Select(symbol =>
            {
                prices[symbol] = Math.Max(0.01m, prices[symbol] + random.Next(-50, 51) / 100m);
                return new ProviderQuote(symbol, prices[symbol], DateTime.UtcNow);
            }).ToList();
            var started = Stopwatch.GetTimestamp();
            if (floor is not null)
            {
                var now = DateTime.UtcNow;
                floor.Enqueue(quotes.Select(quote => new QuoteView(quote.Symbol, quote.Price, null, null, null, now, "bench", false)));
            }
            else
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<QuoteIngestor>().IngestAsync("bench", quotes, CancellationToken.None);
            }
            if (round >= 0)
            {
                ingestMilliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            // The service's rounds drift against its 100 ms flush by their varying ingest time; the floor's take no
            // time and would keep one phase for a whole run (a near-fixed 0-100 ms of coalescing wait). A random
            // 50-150 ms between them keeps the mean rate and lets the phase vary.
            await Task.Delay(floor is null ? 100 : 50 + phase.Next(100));
        }
        await Task.Delay(1500);
        total.Stop();

        var ingestSeconds = ingestMilliseconds.Sum() / 1000;
        Console.WriteLine($"ingest: {symbolCount * rounds:N0} ticks in {ingestSeconds:0.000} s of ingest time = {symbolCount * rounds / ingestSeconds:N0} ticks/s ({(floor is null ? "store + history + PricesUpdated + stream queue" : "the floor's queue only")})");
        Console.WriteLine($"ingest per batch of {symbolCount:N0}: {Percentiles.Describe(ingestMilliseconds, "ms")}");
        var summary = await clients.SummaryAsync(prices);
        var serviceCpu = (Process.GetCurrentProcess().TotalProcessorTime - serviceCpuFrom).TotalSeconds;
        var clientsCpu = clients.CpuSeconds() - clientsCpuFrom;
        Console.WriteLine($"delivered {summary.Received:N0} PriceChanged messages to {clientCount} clients over {total.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"ingest → client latency (includes coalescing at 10/s): {summary.Latency}");
        // Coalescing may merge updates, but no client may be left on an old price.
        Console.WriteLine($"final price correct for {summary.Correct:N0} of {summary.Pairs:N0} client-symbol pairs");
        Console.WriteLine(clientsCpu is { } separate
            ? $"CPU over the measured rounds: {(floor is null ? "service" : "floor server")} (and the feed) {serviceCpu:0.0} s ({serviceCpu / total.Elapsed.TotalSeconds:0.00} cores), clients {separate:0.0} s ({separate / total.Elapsed.TotalSeconds:0.00} cores)"
            : $"CPU over the measured rounds: service, feed and clients together {serviceCpu:0.0} s ({serviceCpu / total.Elapsed.TotalSeconds:0.00} cores)");
        return 0;
    }

    private static async Task SeedInstrumentsAsync(IServiceProvider services, IReadOnlyList<string> symbols)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
        database.Instruments.AddRange(symbols.Select(symbol => new Instrument
        {
            Symbol = symbol, Kind = InstrumentKind.Stock, Currency = "USD", DisplayName = symbol, ReferencePrice = 100m, Provider = "simulated", CreatedAt = DateTime.UtcNow,
        }));
        await database.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Invalidate();
    }

    private static async Task<string> SignInAsync(BenchApp app)
    {
        using var client = app.CreateClient();
        var credentials = new { email = "bench@example.com", password = "Correct-Horse-42" };
        await client.PostAsJsonAsync("/api/auth/register", credentials);
        var response = await client.PostAsJsonAsync("/api/auth/login", credentials);
        var tokens = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        return tokens!["accessToken"].ToString()!;
    }
}
