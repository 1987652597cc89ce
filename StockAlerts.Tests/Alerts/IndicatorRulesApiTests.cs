using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// Indicator and compound rules through the API, with fixer's wire format from a local fake and stored one-minute
/// history: made, shown with every default written out, warmed from the history at once, fired by polled prices,
/// refused with their fields' JSON paths, kept from other users, and replayed by the preview.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed class IndicatorRulesApiTests(StorageKind storage)
{
    private FakeQuoteServer fake = null!;
    private TestApp app = null!;
    private decimal eurusd = 1.08m;
    private decimal jpyPerEuro = 180.4m;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        fake = await FakeQuoteServer.StartAsync();
        fake.Fixer = _ => FakeResponse.FixerLatest(DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ("USD", eurusd.ToString(CultureInfo.InvariantCulture)), ("GBP", "0.86"), ("JPY", jpyPerEuro.ToString(CultureInfo.InvariantCulture)), ("CHF", "0.93"), ("AUD", "1.78"), ("CAD", "1.62"));
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:fixer:ApiKey"] = "fixer-secret-key",
            ["Prices:Providers:fixer:BaseUrl"] = fake.BaseUrl + "/fixer",
            ["Prices:Providers:fixer:IntervalSeconds"] = "3600",
            ["Prices:Providers:fixer:MonthlyQuota"] = "100000000",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await fake.DisposeAsync();
    }

    [Test]
    public async Task ANewHighRule_IsShownWithItsDefaults_StartsWarmFromStoredHistory_AndFiresOnThePollThatMakesIt()
    {
        var user = await app.SignInAsync();
        // The bars are the wall clock's minutes: a minute ending during the test would make the seeded ones one off.
        if (DateTime.UtcNow.Second >= 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        }

        await PollAsync(1.08m);
        // Ten complete minutes before this one, the highest high 1.1000 three minutes ago.
        var minute = DateTime.UtcNow;
        minute = new DateTime(minute.Ticks - minute.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        await SeedBarsAsync("EURUSD", minute.AddMinutes(-10), Enumerable.Range(0, 10).Select(i => i == 7 ? (1.08m, 1.10m, 1.07m, 1.08m) : (1.08m, 1.09m, 1.07m, 1.08m)).ToArray());

        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "EURUSD",
            condition = new { type = "indicator", left = new { type = "price" }, @operator = "crossesAbove", right = new { type = "highest", period = 3, timeframe = "1m" }, evaluate = "live" },
            channels = new[] { "live" },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        var id = created.GetProperty("id").GetString()!;
        Assert.That(created.GetProperty("state").GetString(), Is.EqualTo("active"), "warmed from the stored minutes at once: " + created);
        var condition = created.GetProperty("condition");
        Assert.That(condition.GetProperty("right").GetProperty("type").GetString(), Is.EqualTo("highest"));
        Assert.That(condition.GetProperty("evaluate").GetString(), Is.EqualTo("live"));

        await PollAsync(1.0999m);
        Assert.That(await StateAsync(user, id), Is.EqualTo("active"));
        await PollAsync(1.1005m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "a price above the highest high of the three bars before fires");
        var firing = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items")[0];
        Assert.That(firing.GetProperty("description").GetString(), Is.EqualTo("price 1.10050 USD rose above highest high(3, 1m) (1.10000)"));
    }

    [Test]
    public async Task ADayBarIndicator_WarmsFromDaysRolledUpBeforeTheirMinutesWerePruned()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.08m);
        // 110 days of USDCHF, two minutes each at noon UTC (a currency's day is the UTC day); the minutes keep 90 days.
        var today = DateTime.UtcNow.Date;
        for (var daysAgo = 110; daysAgo >= 1; daysAgo--)
        {
            var level = 0.80m + daysAgo / 1000m;
            await SeedBarsAsync("USDCHF", today.AddDays(-daysAgo).AddHours(12), [(level, level + 0.01m, level - 0.01m, level), (level, level + 0.02m, level - 0.005m, level + 0.001m)]);
        }

        await app.Services.GetRequiredService<JobRunner>().RunAsync("prices:history:prune", CancellationToken.None);
        await app.Services.GetRequiredService<JobRunner>().RunAsync("prices:history:prune", CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
            var days = database.DailyBars.Where(bar => bar.Symbol == "USDCHF").OrderBy(bar => bar.Day).ToList();
            Assert.That(days, Has.Count.EqualTo(110), "every day over rolled up once, though the job ran twice");
            Assert.That((days[0].Day, days[0].Open, days[0].High, days[0].Low, days[0].Close, days[0].Minutes),
                Is.EqualTo((today.AddDays(-110), 0.91m, 0.93m, 0.9m, 0.911m, 2)));
            Assert.That(database.PriceBars.Count(bar => bar.Symbol == "USDCHF" && bar.Start < today.AddDays(-91)), Is.Zero, "minutes beyond the retention pruned");
        }

        // SMA(95, 1d) needs more days than the minutes keep: it is ready at once only from the day bars.
        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "USDCHF",
            condition = new { type = "indicator", left = new { type = "price" }, @operator = "crossesAbove", right = new { type = "sma", period = 95, timeframe = "1d" } },
            channels = new[] { "live" },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        Assert.That(created.GetProperty("state").GetString(), Is.EqualTo("active"), "warmed from the stored day bars at once: " + created);
    }

    [Test]
    public async Task AnIndicatorWithoutHistory_ShowsWarmingUp_AndTheDefaultsAreWrittenOut()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.08m);
        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "EURUSD",
            condition = new { type = "indicator", left = new { type = "macd", timeframe = "1d" }, @operator = "crossesAbove", right = new { type = "macd", timeframe = "1d", output = "signal" } },
            channels = new[] { "live" },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        Assert.That((created.GetProperty("state").GetString(), created.GetProperty("stateReason").GetString()), Is.EqualTo(("noData", "warmingUp")));
        var left = created.GetProperty("condition").GetProperty("left");
        Assert.That((left.GetProperty("fast").GetInt32(), left.GetProperty("slow").GetInt32(), left.GetProperty("signal").GetInt32(), left.GetProperty("output").GetString()),
            Is.EqualTo((12, 26, 9, "macd")));
        Assert.That(created.GetProperty("condition").GetProperty("evaluate").GetString(), Is.EqualTo("barClose"));
    }

    [Test]
    public async Task ACompoundRule_OnTwoSymbols_FiresWhenBothHold_SayingEachPartWithItsCurrency()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.08m, jpy: 170m);
        var response = await PostCompoundAsync(user, "all", new { type = "below", level = 1.05m }, new { symbol = "usdjpy", type = "above", level = 160m });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToString());
        var id = created.GetProperty("id").GetString()!;
        var parts = created.GetProperty("condition").GetProperty("conditions");
        Assert.That((parts[0].GetProperty("symbol").GetString(), parts[1].GetProperty("symbol").GetString()), Is.EqualTo(("EURUSD", "USDJPY")), "each part names its symbol");

        // EURUSD 1.06 is not below 1.05 (USDJPY 170 is above 160); then EURUSD 1.04 with USDJPY 155; then both hold.
        await PollAsync(1.06m, jpy: 170m);
        await PollAsync(1.04m, jpy: 155m);
        Assert.That(await StateAsync(user, id), Is.EqualTo("active"));
        await PollAsync(1.04m, jpy: 170m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "both parts hold");
        var firing = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items")[0];
        Assert.That(firing.GetProperty("description").GetString(), Is.EqualTo("EURUSD 1.04000 USD is at or below 1.05000 and USDJPY 170.000 JPY is at or above 160.000"));
    }

    [Test]
    public async Task ACompoundRule_TrueWhenMade_FiresOnTheNextPoll()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.08m, jpy: 170m);
        var response = await PostCompoundAsync(user, "any", new { type = "above", level = 0.5m }, new { symbol = "USDJPY", type = "below", level = 10m });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await PollAsync(1.081m, jpy: 170m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "a compound already true fires on the next prices, as an `above` rule does");
    }

    public static IEnumerable<TestCaseData> BadConditions()
    {
        object Indicator(object left, string op, object right) => new { type = "indicator", left, @operator = op, right };
        yield return new TestCaseData(Indicator(new { type = "sma", timeframe = "1h" }, "above", new { type = "value", value = 1 }), "condition.left.period").SetName("Indicator_WithoutItsPeriod_Returns400");
        yield return new TestCaseData(Indicator(new { type = "sma", period = 20, timeframe = "2h" }, "above", new { type = "value", value = 1 }), "condition.left.timeframe").SetName("Indicator_OnAnUnknownTimeframe_Returns400");
        yield return new TestCaseData(Indicator(new { type = "rsi", timeframe = "1h", deviations = 2 }, "above", new { type = "value", value = 70 }), "condition.left.deviations").SetName("Indicator_WithAnotherKindsParameter_Returns400");
        yield return new TestCaseData(Indicator(new { type = "price" }, "above", new { type = "value", value = 1 }), "condition.left").SetName("Indicator_WithoutAnIndicator_Returns400");
        yield return new TestCaseData(Indicator(new { type = "price" }, "exitsChannel", new { type = "sma", period = 5, timeframe = "1h" }), "condition.right").SetName("Indicator_ChannelOnSomethingOtherThanBands_Returns400");
        yield return new TestCaseData(Indicator(new { type = "sma", period = 5, timeframe = "1h" }, "crossesAbove", new { type = "sma", period = 20, timeframe = "1d" }), "condition.right.timeframe").SetName("Indicator_TwoTimeframes_Returns400");
        yield return new TestCaseData(Indicator(new { type = "rsi", timeframe = "1h" }, "movesUp", new { type = "value", value = 30 }), "condition.operator").SetName("Indicator_UnknownOperator_Returns400");
        yield return new TestCaseData(Indicator(new { type = "macd", fast = 30, slow = 26, timeframe = "1h" }, "above", new { type = "value", value = 0 }), "condition.left.fast").SetName("Indicator_MacdFastNotShorter_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "all", conditions = new object[] { new { type = "below", level = 1 } } }, "condition.conditions").SetName("Compound_OfOneCondition_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "both", conditions = new object[] { new { type = "below", level = 1 }, new { type = "above", level = 2 } } }, "condition.match").SetName("Compound_UnknownMatch_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "all", conditions = new object[] { new { type = "below", level = 1 }, new { type = "above" } } }, "condition.conditions[1].level").SetName("Compound_PartWithoutItsLevel_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "all", conditions = new object[] { new { type = "below", level = 1 }, new { type = "trailingDrawdown", percent = 5 } } }, "condition.conditions[1].type").SetName("Compound_PartOfAKindItCannotHold_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "all", conditions = new object[] { new { type = "below", level = 1 }, new { symbol = "NOPE", type = "above", level = 2 } } }, "condition.conditions[1].symbol").SetName("Compound_PartOnAnUnknownSymbol_Returns400");
        yield return new TestCaseData(new { type = "compound", match = "all", conditions = new object[] { new { symbol = "USDJPY", type = "below", level = 1 }, new { symbol = "GBPUSD", type = "above", level = 2 } } }, "condition.conditions").SetName("Compound_NoPartOnTheRulesSymbol_Returns400");
        yield return new TestCaseData(new { type = "above", level = 2, symbol = "USDJPY" }, "condition.symbol").SetName("Condition_SymbolOutsideACompound_Returns400");
    }

    [TestCaseSource(nameof(BadConditions))]
    public async Task Create_WithABadCondition_Returns400KeyedByItsJsonPath_AndWritesNothing(object condition, string key)
    {
        var user = await app.SignInAsync();
        var response = await user.PostAsJsonAsync("/api/alerts", new { symbol = "EURUSD", condition, channels = new[] { "live" } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body.ToString());
        Assert.That(body.GetProperty("errors").TryGetProperty(key, out _), Is.True, body.ToString());
        Assert.That((await user.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("total").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Create_IndicatorRuleWithAReArmMargin_Returns400()
    {
        var user = await app.SignInAsync();
        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "EURUSD",
            condition = new { type = "indicator", left = new { type = "rsi", timeframe = "1h" }, @operator = "crossesBelow", right = new { type = "value", value = 30 } },
            rearm = new { margin = 5 },
            channels = new[] { "live" },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("errors").TryGetProperty("rearm.margin", out _), Is.True, body.ToString());
    }

    [Test]
    public async Task AnotherUser_CannotSeeOrChangeACompoundRule()
    {
        var owner = await app.SignInAsync();
        var other = await app.SignInAsync();
        await PollAsync(1.08m);
        var response = await PostCompoundAsync(owner, "any", new { type = "below", level = 1 }, new { symbol = "GBPUSD", type = "above", level = 3 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.That((await other.GetAsync($"/api/alerts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.DeleteAsync($"/api/alerts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await other.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("total").GetInt32(), Is.Zero);
        Assert.That((await owner.GetAsync($"/api/alerts/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Preview_OfAnRsiRuleAtBarClose_WarmsFromTheBarsBefore_AndFiresOnTheCloseThatCrossed()
    {
        var user = await app.SignInAsync();
        var start = DateTime.UtcNow.AddHours(-3);
        start = new DateTime(start.Year, start.Month, start.Day, start.Hour, 0, 0, DateTimeKind.Utc);
        // Before the period: closes 100, 101, 102, 103 (RSI(2) = 100). In it: 95 (RSI 11.1: crossed below 30), 99 (52.9),
        // 94 (24.3: below again), and 96, whose bar is still forming when the period ends.
        decimal[] closes = [100, 101, 102, 103, 95, 99, 94, 96];
        await SeedBarsAsync("USDCAD", start, closes.Select(close => (close, close, close, close)).ToArray());

        var response = await user.PostAsJsonAsync("/api/alerts/preview", new
        {
            rule = new
            {
                symbol = "USDCAD",
                condition = new { type = "indicator", left = new { type = "rsi", period = 2, timeframe = "1m" }, @operator = "crossesBelow", right = new { type = "value", value = 30 } },
                frequency = new { type = "everyTime" },
                channels = new[] { "live" },
            },
            from = start.AddMinutes(4),
            to = start.AddMinutes(10),
        });
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), result.ToString());
        Assert.That(result.GetProperty("fireCount").GetInt32(), Is.EqualTo(2), result.ToString());
        Assert.That(result.GetProperty("firings")[0].GetProperty("description").GetString(), Is.EqualTo("RSI(2, 1m) fell below 30 (11.11) at 95.000 CAD, on the 1m close"));
    }

    private async Task SeedBarsAsync(string symbol, DateTime start, (decimal Open, decimal High, decimal Low, decimal Close)[] bars)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
        var existing = database.PriceBars.Where(bar => bar.Symbol == symbol && bar.Start >= start && bar.Start < start.AddMinutes(bars.Length)).ToList();
        database.PriceBars.RemoveRange(existing);
        database.PriceBars.AddRange(bars.Select((bar, minute) => new PriceBar
        {
            Symbol = symbol, Start = start.AddMinutes(minute), Open = bar.Open, High = bar.High, Low = bar.Low, Close = bar.Close,
            OpenAt = start.AddMinutes(minute), CloseAt = start.AddMinutes(minute).AddSeconds(59), Ticks = 1,
        }));
        await database.SaveChangesAsync();
    }

    // jpy: the USDJPY the poll should give (fixer quotes everything against the euro).
    private async Task PollAsync(decimal price, decimal? jpy = null)
    {
        eurusd = price;
        jpyPerEuro = jpy * price ?? jpyPerEuro;
        await app.Services.RunAndStoreAsync("prices:poll:fixer");
    }

    // A compound on EURUSD (its parts name other symbols), told in the app.
    private static Task<HttpResponseMessage> PostCompoundAsync(HttpClient user, string match, params object[] parts) =>
        user.PostAsJsonAsync("/api/alerts", new { symbol = "EURUSD", condition = new { type = "compound", match, conditions = parts }, channels = new[] { "live" } });

    private static async Task<string?> StateAsync(HttpClient user, string id) =>
        (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("state").GetString();
}
