using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

/// <summary>
/// Finnhub's trades WebSocket against a local server that speaks its format: trades arrive as prices and fire rules,
/// a dropped or silent connection is made again and subscribed again, a bad message is skipped, and only the plan's
/// cap of symbols is followed. Polling answers "no data", so every price here came through the stream.
/// </summary>
[NonParallelizable]
public sealed class FinnhubStreamTests
{
    private FakeFinnhubStream stream = null!;
    private FakeQuoteServer quotes = null!;
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        stream = await FakeFinnhubStream.StartAsync();
        quotes = await FakeQuoteServer.StartAsync();
        quotes.Finnhub = _ => FakeResponse.FinnhubUnknownSymbol();
        app = await StartAppAsync(maxSymbols: 50);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await stream.DisposeAsync();
        await quotes.DisposeAsync();
    }

    [Test]
    public async Task Trades_ArriveAsPrices_AndFireRules_WithTheLatestTradeOfABatch()
    {
        var user = await app.SignInAsync();
        var id = await CreateRuleAsync(user, "AAPL", 200m);
        await WaitForAsync(() => Task.FromResult(stream.Subscribed.Contains("AAPL")), "subscribed to AAPL");

        await stream.TradeAsync(("AAPL", 199m));
        await WaitForAsync(async () => await PriceAsync(user, "AAPL") == 199m, "the trade as AAPL's price");
        await stream.TradeAsync(("AAPL", 200.5m), ("AAPL", 201.5m));
        await WaitForAsync(async () => (await FiringsAsync(user, id)).Count == 1, "the rule fired");

        Assert.That((await FiringsAsync(user, id)).Single().GetProperty("price").GetDecimal(), Is.EqualTo(201.5m));
        Assert.That(stream.Tokens, Has.All.EqualTo("stream-key"), "the key goes in the token parameter");
        var gauges = StreamGauges();
        Assert.That(gauges["stockalerts.prices.stream.connected"], Is.EqualTo(1));
        Assert.That(gauges["stockalerts.prices.stream.subscribed"], Is.GreaterThanOrEqualTo(1));
        Assert.That(gauges["stockalerts.prices.stream.last_message_age"], Is.LessThan(10));
    }

    [Test]
    public async Task ADroppedConnection_IsMadeAgain_AndSubscribedAgain()
    {
        var user = await app.SignInAsync();
        await CreateRuleAsync(user, "MSFT", 1_000m);
        await WaitForAsync(() => Task.FromResult(stream.Subscribed.Contains("MSFT")), "subscribed to MSFT");
        var before = stream.Connections;

        stream.DropAll();
        await WaitForAsync(() => Task.FromResult(stream.Connections > before && stream.Subscribed.Contains("MSFT")), "connected and subscribed again");
        await stream.TradeAsync(("MSFT", 412.25m));

        await WaitForAsync(async () => await PriceAsync(user, "MSFT") == 412.25m, "a trade after the reconnect");
    }

    [Test]
    public async Task ASilentSocket_IsTakenForDead_AndMadeAgain()
    {
        await WaitForAsync(() => Task.FromResult(stream.Connections > 0), "a first connection");
        var before = stream.Connections;

        // Nothing is sent: after SilenceSeconds (5) without a trade or ping the client gives the socket up.
        await WaitForAsync(() => Task.FromResult(stream.Connections > before), "a new connection after the silence", seconds: 20);
    }

    [Test]
    public async Task AMessageThatIsNotATrade_IsSkipped_AndTheConnectionStays()
    {
        var user = await app.SignInAsync();
        await CreateRuleAsync(user, "NVDA", 10_000m);
        await WaitForAsync(() => Task.FromResult(stream.Subscribed.Contains("NVDA")), "subscribed to NVDA");
        var before = stream.Connections;

        await stream.SendAsync("this is not json");
        await stream.SendAsync("""{"type":"error","msg":"Invalid symbol FX:EURUSD"}""");
        await stream.SendAsync("""{"type":"trade","data":[{"s":"NVDA","p":"oops"}]}""");
        await stream.TradeAsync(("NVDA", 131.75m));

        await WaitForAsync(async () => await PriceAsync(user, "NVDA") == 131.75m, "the good trade after the bad messages");
        Assert.That(stream.Connections, Is.EqualTo(before));
    }

    [Test]
    public async Task OnlyThePlansCapOfSymbols_IsFollowed()
    {
        await using var capped = await FakeFinnhubStream.StartAsync();
        await using var small = await StartAppAsync(maxSymbols: 2, url: capped.Url, maxSymbolsPerRun: 2);
        var user = await small.SignInAsync();
        foreach (var symbol in new[] { "AAPL", "AMZN", "GOOGL", "MSFT" })
        {
            await CreateRuleAsync(user, symbol, 10_000m);
        }

        await WaitForAsync(() => Task.FromResult(capped.Subscribed.Count == 2), "two symbols followed");
        // A few more subscription rounds (every 2 s), with pings so the socket is not taken for silent.
        for (var second = 0; second < 4; second++)
        {
            await capped.SendAsync("""{"type":"ping"}""");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.That(capped.Subscribed, Is.EquivalentTo(new[] { "AAPL", "AMZN" }), "the first two of the symbols in use, in order");

        // The symbols over the cap stay polled, and come first in a poll (2 a run here): the streamed ones wait their turn.
        quotes.Finnhub = request => request.Query["symbol"] == "MSFT" ? FakeResponse.FinnhubQuote(409.5m, 405m, 404m, FakeQuoteServer.Timestamp) : FakeResponse.FinnhubUnknownSymbol();
        var before = quotes.Requests.Count;
        try
        {
            await small.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:finnhub", CancellationToken.None);
            Assert.That(await PriceAsync(user, "MSFT"), Is.EqualTo(409.5m));
            Assert.That(quotes.Requests.Skip(before).Select(request => request.Query["symbol"].ToString()), Is.EquivalentTo(new[] { "GOOGL", "MSFT" }));
        }
        finally
        {
            quotes.Finnhub = _ => FakeResponse.FinnhubUnknownSymbol();
        }
    }

    // What a metrics exporter would read from this process's stream gauges.
    private static Dictionary<string, double> StreamGauges()
    {
        var values = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (instrument.Name.StartsWith("stockalerts.prices.stream.", StringComparison.Ordinal))
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private Task<TestApp> StartAppAsync(int maxSymbols, string? url = null, int maxSymbolsPerRun = 12) => TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
    {
        ["Prices:Providers:finnhub:MaxSymbolsPerRun"] = maxSymbolsPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Prices:Providers:simulated:Enabled"] = "false",
        ["Prices:Providers:finnhub:ApiKey"] = "stream-key",
        ["Prices:Providers:finnhub:BaseUrl"] = quotes.BaseUrl + "/finnhub",
        ["Prices:Providers:finnhub:IntervalSeconds"] = "3600",
        ["Prices:Providers:finnhub:Stream:Enabled"] = "true",
        ["Prices:Providers:finnhub:Stream:Url"] = url ?? stream.Url,
        ["Prices:Providers:finnhub:Stream:MaxSymbols"] = maxSymbols.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Prices:Providers:finnhub:Stream:SilenceSeconds"] = "5",
    });

    private static async Task<string> CreateRuleAsync(HttpClient user, string symbol, decimal level)
    {
        var response = await user.PostAsJsonAsync("/api/alerts", new { symbol, condition = new { type = "crossesAbove", level }, channels = new[] { "live" } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<decimal?> PriceAsync(HttpClient user, string symbol)
    {
        var response = await user.GetAsync($"/api/prices/{symbol}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("price").GetDecimal() : null;
    }

    private static async Task<List<JsonElement>> FiringsAsync(HttpClient user, string id) =>
        (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items").EnumerateArray().ToList();

    private static async Task WaitForAsync(Func<Task<bool>> done, string what, int seconds = 15)
    {
        for (var attempt = 0; attempt < seconds * 10 && !await done(); attempt++)
        {
            await Task.Delay(100);
        }
        Assert.That(await done(), Is.True, $"waited {seconds} s for: {what}");
    }
}
