using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.History;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class PricesApiTests(StorageKind storage)
{
    private const string Admin = "prices-admin@example.com";
    private TestApp app = null!;
    private HttpClient user = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Admin:Emails:0"] = Admin });
        user = await app.SignInAsync();
        await PollSimulatedAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task GetQuote_AfterTheSimulatedFeedTicks_ReturnsAPlausibleQuote()
    {
        var quote = await user.GetFromJsonAsync<JsonElement>("/api/prices/aapl");

        Assert.That(quote.GetProperty("symbol").GetString(), Is.EqualTo("AAPL"));
        Assert.That(quote.GetProperty("price").GetDecimal(), Is.InRange(50m, 1000m));
        Assert.That(quote.GetProperty("source").GetString(), Is.EqualTo("simulated"));
        Assert.That(quote.GetProperty("stale").GetBoolean(), Is.False);
        Assert.That(quote.TryGetProperty("changePercent", out _), Is.True);
    }

    [Test]
    public async Task GetQuote_KeepsMovingAsTheFeedTicks()
    {
        var prices = new HashSet<decimal>();
        for (var poll = 0; poll < 6 && prices.Count < 2; poll++)
        {
            await Task.Delay(1100);
            await PollSimulatedAsync();
            prices.Add((await user.GetFromJsonAsync<JsonElement>("/api/prices/NVDA")).GetProperty("price").GetDecimal());
        }

        Assert.That(prices, Has.Count.GreaterThanOrEqualTo(2), "the simulated NVDA price did not move over six seconds");
    }

    [Test]
    public async Task GetQuotes_ReturnsEveryRequestedSymbol()
    {
        var quotes = await user.GetFromJsonAsync<JsonElement[]>("/api/prices?symbols=AAPL,eurusd,USDJPY");

        Assert.That(quotes!.Select(quote => quote.GetProperty("symbol").GetString()), Is.EqualTo(new[] { "AAPL", "EURUSD", "USDJPY" }));
        Assert.That(quotes![1].GetProperty("price").GetDecimal(), Is.InRange(0.5m, 2m));
    }

    [TestCase("/api/prices/NOPE")]
    [TestCase("/api/prices?symbols=AAPL,NOPE")]
    [TestCase("/api/prices/NOPE/history")]
    public async Task UnknownSymbol_Returns404ProblemDetails(string url)
    {
        var response = await user.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("NOPE"));
    }

    [TestCase("/api/prices?symbols=", "symbols")]
    [TestCase("/api/prices/AAPL/history?interval=2m", "Interval")]
    [TestCase("/api/prices/AAPL/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [TestCase("/api/prices/AAPL/history?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=1m", "to")]
    [TestCase("/api/instruments?pageSize=1000", "PageSize")]
    [TestCase("/api/instruments?kind=bond", "Kind")]
    public async Task BadQuery_Returns400WithTheFieldNamed(string url, string field)
    {
        var response = await user.GetAsync(url);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(error => error.Name), Has.Some.EqualTo(field).IgnoreCase);
    }

    [Test]
    public async Task BadlyFormedDate_Returns400()
    {
        var response = await user.GetAsync("/api/prices/AAPL/history?from=yesterday");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [TestCase("/api/prices/AAPL")]
    [TestCase("/api/prices?symbols=AAPL")]
    [TestCase("/api/instruments")]
    public async Task PricesApi_WithoutToken_Returns401(string url)
    {
        var response = await app.CreateClient().GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task History_HoldsOneMinuteBarsOfReceivedTicks()
    {
        await PollSimulatedAsync();
        await app.Services.GetRequiredService<BarRecorder>().FlushAsync(CancellationToken.None);
        var latest = (await user.GetFromJsonAsync<JsonElement>("/api/prices/AAPL")).GetProperty("price").GetDecimal();

        var history = await user.GetFromJsonAsync<JsonElement>("/api/prices/AAPL/history?interval=1m");
        var bars = history.GetProperty("bars").EnumerateArray().ToList();

        Assert.That(bars, Is.Not.Empty);
        var last = bars[^1];
        Assert.That(last.GetProperty("low").GetDecimal(), Is.LessThanOrEqualTo(last.GetProperty("high").GetDecimal()));
        Assert.That(last.GetProperty("close").GetDecimal(), Is.EqualTo(latest));
    }

    [Test]
    public async Task History_ByDay_GivesTheInstrumentsDays_KeptBeyondTheMinutes_AndTheDayStillForming()
    {
        // NVDA is a stock: its day is New York's. A day bar from 200 days ago (its minutes long pruned), and two minutes
        // just before the period's end three days ago (the simulated feed the other tests poll writes only the current minute).
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var to = PriceBar.MinuteOf(DateTime.UtcNow.AddDays(-3));
        var oldDay = TimeZones.DayOf(to.AddDays(-200), newYork).Start;
        var minute = to.AddMinutes(-2);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
            database.DailyBars.Add(new DailyBar { Symbol = "NVDA", Day = oldDay, Open = 100m, High = 110m, Low = 95m, Close = 105m, Minutes = 390 });
            database.PriceBars.AddRange(
                new PriceBar { Symbol = "NVDA", Start = minute, Open = 120m, High = 121m, Low = 119m, Close = 120.5m, OpenAt = minute, CloseAt = minute.AddSeconds(59) },
                new PriceBar { Symbol = "NVDA", Start = minute.AddMinutes(1), Open = 120.5m, High = 123m, Low = 120m, Close = 122m, OpenAt = minute.AddMinutes(1), CloseAt = minute.AddMinutes(1).AddSeconds(59) });
            await database.SaveChangesAsync();
        }

        var period = $"from={Uri.EscapeDataString(to.AddDays(-365).ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var history = await user.GetFromJsonAsync<JsonElement>($"/api/prices/NVDA/history?interval=1d&{period}");
        var bars = history.GetProperty("bars").EnumerateArray()
            .Select(bar => (bar.GetProperty("time").GetDateTime().ToUniversalTime(), bar.GetProperty("open").GetDecimal(), bar.GetProperty("high").GetDecimal(), bar.GetProperty("low").GetDecimal(), bar.GetProperty("close").GetDecimal()))
            .ToList();

        Assert.That(bars, Is.EqualTo(new[]
        {
            (oldDay, 100m, 110m, 95m, 105m),
            (TimeZones.DayOf(minute, newYork).Start, 120m, 123m, 119m, 122m),
        }), "the stored day, then the day (New York's) still forming at the period's end, from its minutes so far");
    }

    [Test]
    public async Task Instruments_AreSeededAndSearchable()
    {
        var all = await user.GetFromJsonAsync<JsonElement>("/api/instruments?pageSize=100");
        var search = await user.GetFromJsonAsync<JsonElement>("/api/instruments?search=apple");
        var fx = await user.GetFromJsonAsync<JsonElement>("/api/instruments?kind=fx&pageSize=2&page=2");

        var symbols = all.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("symbol").GetString()).ToList();
        Assert.That(symbols, Is.SupersetOf(new[] { "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "EURUSD", "GBPUSD", "USDJPY", "USDCHF", "AUDUSD", "USDCAD" }));
        Assert.That(search.GetProperty("items").EnumerateArray().Single().GetProperty("symbol").GetString(), Is.EqualTo("AAPL"));
        Assert.That(fx.GetProperty("total").GetInt32(), Is.EqualTo(6));
        Assert.That(fx.GetProperty("items").GetArrayLength(), Is.EqualTo(2));
        Assert.That(fx.GetProperty("items")[0].GetProperty("symbol").GetString(), Is.EqualTo("GBPUSD"));
    }

    [Test]
    public async Task AddInstrument_ByNonAdmin_Returns403()
    {
        var response = await user.PostAsJsonAsync("/api/instruments", new { symbol = "IBM", kind = "stock", currency = "USD", displayName = "IBM" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task AddInstrument_ByAdmin_IsPricedByTheNextPoll_AndADuplicateIs409()
    {
        var admin = await SignInAdminAsync();

        var created = await admin.PostAsJsonAsync("/api/instruments", new { symbol = "ibm", kind = "stock", currency = "USD", displayName = "IBM Corp.", referencePrice = 250m });
        var duplicate = await admin.PostAsJsonAsync("/api/instruments", new { symbol = "IBM", kind = "stock", currency = "USD", displayName = "IBM again" });
        await PollSimulatedAsync();
        var quote = await user.GetFromJsonAsync<JsonElement>("/api/prices/IBM");

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(quote.GetProperty("price").GetDecimal(), Is.InRange(200m, 300m));
    }

    [Test]
    public async Task AddInstrument_WithBadFields_Returns400_AndAddsNothing()
    {
        var admin = await SignInAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/instruments", new { symbol = "EURO", kind = "fx", currency = "EUROS", displayName = "", provider = "yahoo" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var lookup = await user.GetAsync("/api/prices/EURO");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(error => error.Name),
            Is.SupersetOf(new[] { "symbol", "currency", "displayName", "provider" }));
        Assert.That(lookup.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task DisabledInstrument_IsNoLongerPolled()
    {
        var admin = await SignInAdminAsync();
        await admin.PostAsJsonAsync("/api/instruments", new { symbol = "ORCL", kind = "stock", currency = "USD", displayName = "Oracle", referencePrice = 180m });
        await PollSimulatedAsync();
        var before = (await user.GetFromJsonAsync<JsonElement>("/api/prices/ORCL")).GetProperty("time").GetDateTime();

        var disabled = await admin.PutAsJsonAsync("/api/instruments/ORCL", new { enabled = false });
        for (var poll = 0; poll < 3; poll++)
        {
            await Task.Delay(1100);
            await PollSimulatedAsync();
        }
        var after = (await user.GetFromJsonAsync<JsonElement>("/api/prices/ORCL")).GetProperty("time").GetDateTime();

        Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after, Is.EqualTo(before));
    }

    private async Task<HttpClient> SignInAdminAsync()
    {
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email = Admin, password = "Correct-Horse-42" });
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestApp.LoginAsync(client, Admin, "Correct-Horse-42"));
        return client;
    }

    private Task PollSimulatedAsync() => app.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:simulated", CancellationToken.None);
}
