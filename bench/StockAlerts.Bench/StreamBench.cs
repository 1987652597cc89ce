using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Bench;

/// <summary>
/// Finnhub's trades WebSocket (a local server speaking its format) → the service's stream client → ingest → a
/// SignalR client's PriceChanged, and → a rule firing → the open app's NotificationCreated. The baseline, in the same
/// run, hands the same trades straight to the ingest path (what the stream adds is the socket and its batching).
/// </summary>
internal static class StreamBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var symbolCount = options.Int("symbols", 50);
        var rate = options.Int("rate", 1000);
        var seconds = options.Int("seconds", 15);
        var probes = options.Int("probes", 30);
        await using var feed = await TradeFeed.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-bench-").FullName,
            ["Jobs:Schedule"] = "false",
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:finnhub:ApiKey"] = "bench",
            ["Prices:Providers:finnhub:IntervalSeconds"] = "3600",
            ["Prices:Providers:finnhub:Stream:Url"] = feed.Url,
            ["Prices:MaxUpdatesPerSecond"] = "10",
            ["Alerts:MaxActiveRulesPerUser"] = "10000",
            ["RateLimits:PerUserPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        Console.WriteLine($"stream bench: {symbolCount} symbols, {rate:N0} trades/s for {seconds} s per phase, {probes} alert probes; in-process store (SQLite)");
        await using var app = new BenchApp(settings);
        app.UseKestrel(0);
        app.StartServer();
        var symbols = await SeedAsync(app.Services, symbolCount);
        using var user = await SignInAsync(app);
        // One rule per symbol, so the stream follows them all; each is a probe that fires once when its price jumps.
        var rules = new Dictionary<string, string>();
        foreach (var symbol in symbols)
        {
            var created = await user.PostAsJsonAsync("/api/alerts", new { symbol, condition = new { type = "crossesAbove", level = 1000 }, channels = new[] { "live" } });
            created.EnsureSuccessStatusCode();
            rules[symbol] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        var token = user.DefaultRequestHeaders.Authorization!.Parameter!;
        var priceLatencies = new ConcurrentBag<double>();
        var alertLatencies = new ConcurrentBag<double>();
        var probeSentAt = new ConcurrentDictionary<string, long>();
        // When each (symbol, price) was traded: a quote's own time is when the service took it in, not the trade's.
        var tradedAt = new ConcurrentDictionary<(string, decimal), long>();
        await using var prices = Hub(app, "/hubs/prices", token);
        prices.On<QuoteView>("PriceChanged", quote =>
        {
            if (tradedAt.TryGetValue((quote.Symbol, quote.Price), out var traded))
            {
                priceLatencies.Add(Stopwatch.GetElapsedTime(traded).TotalMilliseconds);
            }
        });
        await using var notifications = Hub(app, "/hubs/notifications", token);
        notifications.On<LiveNotification>("NotificationCreated", notification =>
        {
            if (probeSentAt.TryRemove(notification.Symbol, out var sent))
            {
                alertLatencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        });
        await prices.StartAsync();
        await notifications.StartAsync();
        await prices.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", symbols);
        while (feed.Subscribed.Count < symbols.Count)
        {
            await Task.Delay(100);
        }
        Console.WriteLine($"the stream follows {feed.Subscribed.Count} symbols");

        // Baseline: the same trades straight into the ingest path, batched every 100 ms as the stream client does.
        var random = new Random(11);
        var direct = await RunPhaseAsync("direct ingest (baseline)", symbols, rate, seconds, random, priceLatencies, tradedAt, async batch =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<QuoteIngestor>().IngestAsync("finnhub", batch.GroupBy(trade => trade.Symbol)
                .Select(group => new ProviderQuote(group.Key, group.Last().Price, group.Last().Time)).ToList(), CancellationToken.None);
        }, flushEvery: 10);
        var streamed = await RunPhaseAsync("through the trades stream", symbols, rate, seconds, random, priceLatencies, tradedAt, batch => feed.SendAsync(batch), flushEvery: 1);

        // Alert probes: a trade over a rule's level, one symbol at a time, timed to the open app's notification.
        foreach (var symbol in symbols.Take(probes))
        {
            probeSentAt[symbol] = Stopwatch.GetTimestamp();
            await feed.SendAsync([(symbol, 1001m, DateTime.UtcNow)]);
            await Task.Delay(200);
        }
        await Task.Delay(2000);

        Console.WriteLine($"trade → PriceChanged, direct ingest: {Percentiles.Describe(direct, "ms")}");
        Console.WriteLine($"trade → PriceChanged, stream:        {Percentiles.Describe(streamed, "ms")}");
        Console.WriteLine($"ratio stream/direct: p50 {Ratio(streamed, direct, 0.50):0.00}x, p99 {Ratio(streamed, direct, 0.99):0.00}x (PriceChanged is coalesced to 10/s per symbol in both)");
        Console.WriteLine($"trade → rule fired → NotificationCreated: {Percentiles.Describe(alertLatencies.ToList(), "ms")} ({alertLatencies.Count} of {Math.Min(probes, symbols.Count)} probes)");
        return 0;
    }

    private static async Task<List<double>> RunPhaseAsync(string name, List<string> symbols, int rate, int seconds, Random random,
        ConcurrentBag<double> latencies, ConcurrentDictionary<(string, decimal), long> tradedAt, Func<List<(string Symbol, decimal Price, DateTime Time)>, Task> send, int flushEvery)
    {
        // Prices stay well under every rule's level (1000), so only the probes fire.
        var levels = symbols.ToDictionary(symbol => symbol, _ => 100m + random.Next(0, 400));
        latencies.Clear();
        tradedAt.Clear();
        var perTick = Math.Max(1, rate / 100);
        var pending = new List<(string, decimal, DateTime)>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (var tick = 0; tick < seconds * 100; tick++)
        {
            for (var index = 0; index < perTick; index++)
            {
                var symbol = symbols[random.Next(symbols.Count)];
                levels[symbol] = Math.Clamp(levels[symbol] + random.Next(-20, 21) / 100m, 1m, 900m);
                pending.Add((symbol, levels[symbol], DateTime.UtcNow));
                tradedAt[(symbol, levels[symbol])] = Stopwatch.GetTimestamp();
            }
            if ((tick + 1) % flushEvery == 0)
            {
                await send(pending);
                sent += pending.Count;
                pending = [];
            }
            var due = TimeSpan.FromMilliseconds((tick + 1) * 10);
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
        await Task.Delay(1000);
        Console.WriteLine($"{name}: {sent:N0} trades in {clock.Elapsed.TotalSeconds:0.0} s ({sent / clock.Elapsed.TotalSeconds:N0}/s), {latencies.Count:N0} PriceChanged received");
        return latencies.ToList();
    }

    private static double Ratio(List<double> a, List<double> b, double fraction)
    {
        double At(List<double> samples) => samples.Count == 0 ? double.NaN : samples.Order().ElementAt(Math.Min(samples.Count - 1, (int)(fraction * samples.Count)));
        return At(a) / At(b);
    }

    public static HubConnection Hub(BenchApp app, string path, string token) => Hub(app.ClientOptions.BaseAddress, path, token);

    public static HubConnection Hub(Uri baseAddress, string path, string token, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, path), hub =>
            {
                hub.Transports = HttpTransportType.WebSockets;
                hub.SkipNegotiation = true;
                hub.AccessTokenProvider = () => Task.FromResult<string?>(token);
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }

    private static async Task<List<string>> SeedAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
        var symbols = Enumerable.Range(0, count).Select(index => $"S{index:D3}").ToList();
        database.Instruments.AddRange(symbols.Select(symbol => new Instrument
        {
            Symbol = symbol, Kind = InstrumentKind.Stock, Currency = "USD", DisplayName = symbol, ReferencePrice = 100m, Provider = "finnhub", CreatedAt = DateTime.UtcNow,
        }));
        await database.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Invalidate();
        return symbols;
    }

    private static async Task<HttpClient> SignInAsync(BenchApp app)
    {
        var client = app.CreateClient();
        var credentials = new { email = "stream-bench@example.com", password = "Correct-Horse-42" };
        await client.PostAsJsonAsync("/api/auth/register", credentials);
        var tokens = await (await client.PostAsJsonAsync("/api/auth/login", credentials)).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Finnhub's trades feed in miniature: records subscriptions, sends trade batches to every client.</summary>
    private sealed class TradeFeed(WebApplication app) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<WebSocket, byte> clients = new();

        public string Url { get; private set; } = "";

        public ConcurrentDictionary<string, byte> Subscribed { get; } = new();

        public static async Task<TradeFeed> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var web = builder.Build();
            var feed = new TradeFeed(web);
            web.UseWebSockets();
            web.Run(feed.AcceptAsync);
            await web.StartAsync();
            feed.Url = web.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/";
            return feed;
        }

        public async Task SendAsync(List<(string Symbol, decimal Price, DateTime Time)> trades)
        {
            var data = trades.Select(trade => new { s = trade.Symbol, p = trade.Price, t = new DateTimeOffset(trade.Time).ToUnixTimeMilliseconds(), v = 1 });
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new { type = "trade", data });
            foreach (var client in clients.Keys)
            {
                await client.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        private async Task AcceptAsync(HttpContext context)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            clients[socket] = 0;
            var buffer = new byte[1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                using var message = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count));
                Subscribed[message.RootElement.GetProperty("symbol").GetString()!] = 0;
            }
            clients.TryRemove(socket, out _);
        }
    }
}
