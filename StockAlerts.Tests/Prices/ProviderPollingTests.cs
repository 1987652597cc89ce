using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

/// <summary>Real providers' clients, pointed at a local fake that answers in their wire formats, through the whole app.</summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed class ProviderPollingTests(StorageKind storage)
{
    private static readonly (string, string)[] EuroRates = [("USD", "1.16"), ("GBP", "0.86"), ("JPY", "180.4"), ("CHF", "0.93"), ("AUD", "1.78"), ("CAD", "1.62")];
    private FakeQuoteServer fake = null!;
    private TestApp app = null!;
    private HttpClient user = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        fake = await FakeQuoteServer.StartAsync();
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:fixer:ApiKey"] = "fixer-secret-key",
            ["Prices:Providers:fixer:BaseUrl"] = fake.BaseUrl + "/fixer",
            ["Prices:Providers:fixer:IntervalSeconds"] = "1",
            ["Prices:Providers:fixer:MonthlyQuota"] = "100000000",
            ["Prices:StaleAfterIntervals"] = "2",
            ["Prices:MinimumStaleSeconds"] = "1",
            ["Prices:Providers:fixer:AttemptTimeout"] = "00:00:00.500",
            ["Prices:Providers:fixer:TotalTimeout"] = "00:00:01.500",
            ["Prices:Providers:fixer:RetryDelay"] = "00:00:00.010",
            ["Prices:Providers:finnhub:ApiKey"] = "finnhub-secret-key",
            ["Prices:Providers:finnhub:BaseUrl"] = fake.BaseUrl + "/finnhub",
            ["Prices:Providers:finnhub:IntervalSeconds"] = "5",
            ["Prices:Providers:finnhub:AttemptTimeout"] = "00:00:00.500",
            ["Prices:Providers:finnhub:TotalTimeout"] = "00:00:01.500",
            ["Prices:Providers:finnhub:RetryDelay"] = "00:00:00.010",
        });
        user = await app.SignInAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await fake.DisposeAsync();
    }

    [SetUp]
    public async Task ResetAsync()
    {
        fake.Reset();
        // A paused provider from the previous test must not leak into this one.
        var store = app.Services.GetRequiredService<IQuoteStore>();
        foreach (var status in await store.GetProviderStatusesAsync(CancellationToken.None))
        {
            await store.SaveProviderStatusAsync(status with { PausedUntil = null, LastErrorCode = null, ErrorKind = null }, CancellationToken.None);
        }
    }

    [Test]
    public async Task Fixer_EuroRates_BecomeCrossRatesForEveryPair()
    {
        fake.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, EuroRates);

        await PollAsync("fixer");
        var quotes = await user.GetFromJsonAsync<JsonElement[]>("/api/prices?symbols=EURUSD,GBPUSD,USDJPY,USDCHF,AUDUSD,USDCAD");
        var bySymbol = quotes!.ToDictionary(quote => quote.GetProperty("symbol").GetString()!, quote => quote.GetProperty("price").GetDecimal());

        Assert.That(bySymbol["EURUSD"], Is.EqualTo(1.16m));
        Assert.That(bySymbol["GBPUSD"], Is.EqualTo(Math.Round(1.16m / 0.86m, 9)));
        Assert.That(bySymbol["USDJPY"], Is.EqualTo(Math.Round(180.4m / 1.16m, 7)));
        Assert.That(bySymbol["AUDUSD"], Is.EqualTo(Math.Round(1.16m / 1.78m, 10)));
        Assert.That(quotes!.Select(quote => quote.GetProperty("source").GetString()).Distinct(), Is.EqualTo(new[] { "fixer" }));
        Assert.That(fake.Requests.Single().Query["access_key"], Is.EqualTo("fixer-secret-key"));
    }

    [TestCase(104, "usage_limit_reached", "QuotaExhausted")]
    [TestCase(101, "invalid_access_key", "Configuration")]
    [TestCase(105, "base_currency_access_restricted", "Configuration")]
    public async Task Fixer_ErrorInsideA200_StoresNothing_PausesAndShowsInHealth(int code, string type, string kind)
    {
        var before = await PriceOrNullAsync("GBPUSD");
        fake.Fixer = _ => FakeResponse.ApilayerError(code, type, "refused");

        await PollAsync("fixer");
        await PollAsync("fixer");
        var health = await (await app.SignInAdminAsync()).GetFromJsonAsync<JsonElement>("/health/ready");
        var prices = health.GetProperty("checks").GetProperty("prices");

        Assert.That(await PriceOrNullAsync("GBPUSD"), Is.EqualTo(before), "an error body must never become a price");
        Assert.That(fake.Requests, Has.Count.EqualTo(1), "a paused provider is not asked again before its pause ends");
        Assert.That(prices.GetProperty("status").GetString(), Is.EqualTo("Degraded"));
        Assert.That(prices.GetProperty("data").GetProperty("fixer").GetProperty("lastError").GetString(), Does.Contain(kind).And.Contain(code.ToString()));
    }

    [Test]
    public async Task Fixer_MalformedJson_StoresNothingAndIsRecordedAsTransient()
    {
        fake.Fixer = _ => FakeResponse.Malformed();

        var changes = await PollAsync("fixer");
        var status = await StatusOfAsync("fixer");

        Assert.That(changes, Is.Zero);
        Assert.That(status.ErrorKind, Is.EqualTo("Transient"));
        Assert.That(status.PausedUntil, Is.Null, "a transient error is tried again at the next interval");
    }

    [Test]
    public async Task Fixer_Timeout_IsRetriedThenRecordedAsTransient_WithoutAPrice()
    {
        fake.Fixer = _ => FakeResponse.Hang(TimeSpan.FromSeconds(10));

        var changes = await PollAsync("fixer");

        Assert.That(changes, Is.Zero);
        Assert.That((await StatusOfAsync("fixer")).ErrorKind, Is.EqualTo("Transient"));
        Assert.That(fake.Requests.Count, Is.GreaterThanOrEqualTo(2), "a timeout is retried by the resilience handler");
    }

    [Test]
    public async Task Finnhub_Quotes_FlowWithPreviousCloseAndTheKeyInAHeader()
    {
        fake.Finnhub = request => request.Query["symbol"] == "AAPL"
            ? FakeResponse.FinnhubQuote(231.5m, 229m, 228m, FakeQuoteServer.Timestamp)
            : FakeResponse.FinnhubQuote(100m, 99m, 98m, FakeQuoteServer.Timestamp);

        await PollAsync("finnhub");
        var quote = await user.GetFromJsonAsync<JsonElement>("/api/prices/AAPL");

        Assert.That(quote.GetProperty("price").GetDecimal(), Is.EqualTo(231.5m));
        Assert.That(quote.GetProperty("previousClose").GetDecimal(), Is.EqualTo(228m));
        Assert.That(quote.GetProperty("change").GetDecimal(), Is.EqualTo(3.5m));
        Assert.That(quote.GetProperty("source").GetString(), Is.EqualTo("finnhub"));
        Assert.That(fake.Requests.All(request => request.Headers["X-Finnhub-Token"] == "finnhub-secret-key" && !request.Query.ContainsKey("token")), Is.True);
    }

    [Test]
    public async Task Finnhub_UnknownSymbol_IsNoData_NotAPriceOfZero()
    {
        fake.Finnhub = request => request.Query["symbol"] == "NFLX" ? FakeResponse.FinnhubUnknownSymbol() : FakeResponse.FinnhubQuote(50m, 50m, 50m, FakeQuoteServer.Timestamp);
        var before = await PriceOrNullAsync("NFLX");

        await PollAsync("finnhub");

        Assert.That(await PriceOrNullAsync("NFLX"), Is.EqualTo(before));
        Assert.That(before, Is.Not.EqualTo(0m));
    }

    [Test]
    public async Task Finnhub_RateLimited_PausesForRetryAfter_AndIsNotAskedMeanwhile()
    {
        fake.Finnhub = _ => FakeResponse.FinnhubLimitReached().WithHeader("Retry-After", "2");

        await PollAsync("finnhub");
        var requests = fake.Requests.Count;
        var status = await StatusOfAsync("finnhub");
        await PollAsync("finnhub");
        var whilePaused = fake.Requests.Count;
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        fake.Finnhub = _ => FakeResponse.FinnhubQuote(10m, 10m, 10m, FakeQuoteServer.Timestamp);
        await PollAsync("finnhub");

        Assert.That(status.ErrorKind, Is.EqualTo("RateLimited"));
        Assert.That(status.PausedUntil, Is.EqualTo(status.LastAttemptAt!.Value.AddSeconds(2)).Within(TimeSpan.FromMilliseconds(100)));
        Assert.That(whilePaused, Is.EqualTo(requests));
        Assert.That(fake.Requests.Count, Is.GreaterThan(whilePaused));
        Assert.That((await StatusOfAsync("finnhub")).ErrorKind, Is.Null, "recovered after the pause");
    }

    [Test]
    public async Task Finnhub_ServerError_IsTransient_AndNoBogusPriceIsPublished()
    {
        fake.Finnhub = _ => FakeResponse.ServerError(503);
        var before = await PriceOrNullAsync("MSFT");

        await PollAsync("finnhub");

        Assert.That((await StatusOfAsync("finnhub")).ErrorKind, Is.EqualTo("Transient"));
        Assert.That(await PriceOrNullAsync("MSFT"), Is.EqualTo(before));
    }

    [Test]
    public async Task QuietFeed_GoesStale_ThenFreshAgain_InTheApiAndTheStream()
    {
        fake.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, EuroRates);
        await PollAsync("fixer");
        await RunAsync("prices:stale");
        await using var connection = await HubClients.ConnectAsync(app, user, "/hubs/prices");
        var staleChanges = new ConcurrentQueue<StaleChange>();
        connection.On<StaleChange>(nameof(IPricesClient.StaleChanged), staleChanges.Enqueue);
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "EURUSD" });

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await RunAsync("prices:stale");
        var staleQuote = await user.GetFromJsonAsync<JsonElement>("/api/prices/EURUSD");
        await PollAsync("fixer");
        await RunAsync("prices:stale");
        var freshQuote = await user.GetFromJsonAsync<JsonElement>("/api/prices/EURUSD");
        await WaitForAsync(() => staleChanges.Count >= 2);

        Assert.That(staleQuote.GetProperty("stale").GetBoolean(), Is.True);
        Assert.That(freshQuote.GetProperty("stale").GetBoolean(), Is.False);
        Assert.That(staleChanges.Where(change => change.Symbol == "EURUSD").Select(change => change.Stale), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public async Task MonthlyQuota_StopsPollingOnceUsed()
    {
        await using var quotaApp = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:fixer:ApiKey"] = "fixer-secret-key",
            ["Prices:Providers:fixer:BaseUrl"] = fake.BaseUrl + "/fixer",
            ["Prices:Providers:fixer:MonthlyQuota"] = "2",
        });
        fake.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, EuroRates);
        var runner = quotaApp.Services.GetRequiredService<JobRunner>();

        for (var run = 0; run < 4; run++)
        {
            await runner.RunAsync("prices:poll:fixer", CancellationToken.None);
        }
        var status = (await quotaApp.Services.GetRequiredService<IQuoteStore>().GetProviderStatusesAsync(CancellationToken.None)).Single(candidate => candidate.Provider == "fixer");

        Assert.That(fake.Requests, Has.Count.EqualTo(2));
        Assert.That(status.ErrorKind, Is.EqualTo("Throttled"));
        Assert.That(status.PausedUntil!.Value.Day, Is.EqualTo(1));
    }

    [Test]
    public async Task LimitedRuns_PollSymbolsWatchedLiveFirst_ThenTheRestInTurn()
    {
        await using var limited = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:finnhub:ApiKey"] = "finnhub-secret-key",
            ["Prices:Providers:finnhub:BaseUrl"] = fake.BaseUrl + "/finnhub",
            ["Prices:Providers:finnhub:MaxSymbolsPerRun"] = "3",
        });
        fake.Finnhub = _ => FakeResponse.FinnhubQuote(10m, 10m, 10m, FakeQuoteServer.Timestamp);
        await using var connection = await HubClients.ConnectAsync(limited, await limited.SignInAsync(), "/hubs/prices");
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "WMT" });
        await limited.Services.GetRequiredService<IQuoteStore>().SetLiveSymbolsAsync("test", ["WMT"], DateTime.UtcNow.AddMinutes(1), CancellationToken.None);
        var runner = limited.Services.GetRequiredService<JobRunner>();

        var runs = new List<string[]>();
        for (var run = 0; run < 6; run++)
        {
            fake.Reset();
            fake.Finnhub = _ => FakeResponse.FinnhubQuote(10m + run, 10m, 10m, FakeQuoteServer.Timestamp);
            await runner.RunAsync("prices:poll:finnhub", CancellationToken.None);
            runs.Add(fake.Requests.Select(request => request.Query["symbol"]).Order().ToArray());
        }

        Assert.That(runs.Select(symbols => symbols.Length), Has.All.EqualTo(3));
        Assert.That(runs, Has.All.Contains("WMT"), "a symbol watched live is in every run");
        Assert.That(runs.SelectMany(symbols => symbols).Distinct().Count(), Is.EqualTo(12), "the other eleven stocks are covered in turn");
    }

    private async Task<int> PollAsync(string provider)
    {
        var store = app.Services.GetRequiredService<IQuoteStore>();
        var before = (await store.GetAllLatestAsync(CancellationToken.None)).ToDictionary(quote => quote.Symbol, quote => quote.ReceivedAt);
        await RunAsync($"prices:poll:{provider}");
        var after = await store.GetAllLatestAsync(CancellationToken.None);
        return after.Count(quote => !before.TryGetValue(quote.Symbol, out var received) || received != quote.ReceivedAt);
    }

    private Task RunAsync(string job) => app.Services.RunAndStoreAsync(job);

    private async Task<ProviderStatus> StatusOfAsync(string provider) =>
        (await app.Services.GetRequiredService<IQuoteStore>().GetProviderStatusesAsync(CancellationToken.None)).Single(status => status.Provider == provider);

    private async Task<decimal?> PriceOrNullAsync(string symbol)
    {
        var response = await user.GetAsync($"/api/prices/{symbol}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("price").GetDecimal();
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 50 && !done(); attempt++)
        {
            await Task.Delay(100);
        }
    }
}
