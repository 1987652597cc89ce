using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// Scripted price paths through the whole service, with fixer's wire format from a local fake: rule states that
/// tell the truth over time (a stale feed shows noData, confirmation and re-arm by time happen while no new price
/// comes), messages people can read, and what re-arming or editing a rule that used up its maxFires does.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed class PricePathTests(StorageKind storage)
{
    private FakeQuoteServer fake = null!;
    private TestApp app = null!;
    private decimal eurusd = 1.08m;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        fake = await FakeQuoteServer.StartAsync();
        fake.Fixer = _ => FakeResponse.FixerLatest(DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ("USD", eurusd.ToString(CultureInfo.InvariantCulture)), ("GBP", "0.86"), ("JPY", "180.4"), ("CHF", "0.93"), ("AUD", "1.78"), ("CAD", "1.62"));
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:fixer:ApiKey"] = "fixer-secret-key",
            ["Prices:Providers:fixer:BaseUrl"] = fake.BaseUrl + "/fixer",
            ["Prices:Providers:fixer:IntervalSeconds"] = "1",
            ["Prices:Providers:fixer:MonthlyQuota"] = "100000000",
            ["Prices:StaleAfterIntervals"] = "2",
            ["Prices:MinimumStaleSeconds"] = "1",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await fake.DisposeAsync();
    }

    [Test]
    public async Task ARuleOnAStaleFeed_ShowsNoData_AndTheFirstPriceAfterIsComparedWithTheLastBeforeIt()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.08m);
        var id = await CreateAsync(user, new { symbol = "EURUSD", condition = new { type = "crossesAbove", level = 1.09m } });
        Assert.That(await StateAsync(user, id), Is.EqualTo("active"));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await RunAsync("prices:stale");
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "noData", "noData while the feed is stale");
        await PollAsync(1.12m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "a level crossed during the outage fires on the first price after it");
        var firings = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items");

        Assert.That(firings.GetArrayLength(), Is.EqualTo(1));
        Assert.That(firings[0].GetProperty("price").GetDecimal(), Is.EqualTo(1.12m));
    }

    [Test]
    public async Task AConfirmation_FiresOnTime_WhileThePriceHoldsAndNoNewPriceComes()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.20m);
        var id = await CreateAsync(user, new { symbol = "EURUSD", condition = new { type = "crossesAbove", level = 1.25m }, confirmationSeconds = 2 });
        await PollAsync(1.26m);
        Assert.That(await StateAsync(user, id), Is.EqualTo("pending"));

        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "confirmed after 2 s without another price");
    }

    [Test]
    public async Task ARearmAfterSeconds_ShowsActiveWhenDue_WithoutANewPrice()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.30m);
        var id = await CreateAsync(user, new { symbol = "EURUSD", condition = new { type = "crossesAbove", level = 1.35m }, rearm = new { afterSeconds = 2 } });
        await PollAsync(1.36m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "fired");

        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "active", "re-armed 2 s after the firing, without another price");
    }

    [TestCase("previousClose")]
    [TestCase("dayOpen")]
    public async Task APercentChangeFromADailyReference_OnAFeedWithoutOne_Is400WithTheReason(string reference)
    {
        var user = await app.SignInAsync();
        await PollAsync(1.10m);

        var response = await user.PostAsJsonAsync("/api/alerts", new { symbol = "EURUSD", condition = new { type = "percentChange", percent = 1, reference } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fromCreation = await user.PostAsJsonAsync("/api/alerts", new { symbol = "EURUSD", condition = new { type = "percentChange", percent = 1, reference = "creation" } });
        var backtest = await user.PostAsJsonAsync("/api/alerts/preview", new
        {
            rule = new { symbol = "EURUSD", condition = new { type = "percentChange", percent = 1, reference } },
            from = DateTime.UtcNow.AddHours(-1),
            to = DateTime.UtcNow,
        });

        Assert.That(backtest.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a backtest of a rule that cannot be made is refused the same way");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("errors").GetProperty("condition.reference")[0].GetString(), Does.Contain("no previous close or day open"));
        Assert.That(fromCreation.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task TheMessage_WritesPricesAsTheInstrumentDoes_WithItsCurrency_AndSaysWhatHappened()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.39m);
        await CreateAsync(user, new { symbol = "EURUSD", name = "Breakout", condition = new { type = "crossesAbove", level = 1.4m } });
        // USDJPY is derived from fixer's EUR rates: 180.4 / 1.39 = 129.7841726..., then 180.4 / 1.4012345 = 128.7437...
        await CreateAsync(user, new { symbol = "USDJPY", condition = new { type = "crossesBelow", level = 129m } });
        await PollAsync(1.4012345m);
        await Eventually.TrueAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").GetArrayLength() == 2, "two notifications");
        var items = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").EnumerateArray()
            .ToDictionary(item => item.GetProperty("symbol").GetString()!, item => (Title: item.GetProperty("title").GetString(), Body: item.GetProperty("body").GetString()));

        Assert.That(items["EURUSD"].Title, Is.EqualTo("EURUSD: Breakout"));
        Assert.That(items["EURUSD"].Body, Is.EqualTo("EURUSD: price 1.40123 USD crossed above 1.40000 USD."), "a named rule's body still says what happened");
        Assert.That(items["USDJPY"].Title, Is.EqualTo("USDJPY 128.744 JPY"));
        Assert.That(items["USDJPY"].Body, Is.EqualTo("USDJPY: price 128.744 JPY crossed below 129.000 JPY."), "title and body write the price alike");
    }

    [TestCase("rearm")]
    [TestCase("edit")]
    public async Task ARuleThatUsedUpItsMaxFires_ReArmedOrEdited_FiresAgain(string how)
    {
        var user = await app.SignInAsync();
        await PollAsync(1.49m);
        var rule = new { symbol = "EURUSD", condition = new { type = "crossesAbove", level = 1.5m }, frequency = new { type = "everyTime", maxFires = 2 } };
        var id = await CreateAsync(user, rule);
        foreach (var price in new[] { 1.51m, 1.49m, 1.51m })
        {
            await PollAsync(price);
        }
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "expired", "expired after two firings");

        var brought = how == "rearm"
            ? await user.PostAsync($"/api/alerts/{id}/rearm", null)
            : await user.PutAsJsonAsync($"/api/alerts/{id}", rule);
        var state = (await brought.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString();
        foreach (var price in new[] { 1.49m, 1.51m })
        {
            await PollAsync(price);
        }
        await Eventually.TrueAsync(async () => (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items").GetArrayLength() == 3, "a third firing");

        Assert.That(brought.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(state, Is.EqualTo("active"));
    }

    [Test]
    public async Task ARuleWithoutChannels_UnderDefaultChannelsLiveOnly_GetsOneNotificationPerFiring()
    {
        var user = await app.SignInAsync();
        (await user.PutAsJsonAsync("/api/notifications/preferences", new { defaultChannels = new[] { "live" }, timeZone = "UTC", digest = false })).EnsureSuccessStatusCode();
        await PollAsync(1.59m);
        var id = await CreateAsync(user, new { symbol = "EURUSD", condition = new { type = "crossesAbove", level = 1.6m } });
        await PollAsync(1.61m);
        await Eventually.TrueAsync(async () => await StateAsync(user, id) == "triggered", "fired");
        await Task.Delay(500);

        var notifications = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").EnumerateArray()
            .Where(item => item.GetProperty("ruleId").GetString() == id).ToList();
        var channels = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("channels").EnumerateArray().Select(channel => channel.GetString());

        Assert.That(channels, Is.EqualTo(new[] { "live" }));
        Assert.That(notifications, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ACrossesRule_FiresOnEachCrossingEitherWay_AndSaysWhichWay()
    {
        var user = await app.SignInAsync();
        await PollAsync(1.69m);
        var id = await CreateAsync(user, new { symbol = "EURUSD", condition = new { type = "crosses", level = 1.7m }, frequency = new { type = "everyTime" } });
        foreach (var price in new[] { 1.71m, 1.72m, 1.68m, 1.71m })
        {
            await PollAsync(price);
        }
        await Eventually.TrueAsync(async () => (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items").GetArrayLength() == 3, "three crossings");

        var firings = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings")).GetProperty("items").EnumerateArray()
            .OrderBy(firing => firing.GetProperty("sequence").GetInt32())
            .Select(firing => firing.GetProperty("description").GetString()).ToList();
        Assert.That(firings, Is.EqualTo(new[]
        {
            "price 1.71000 USD crossed above 1.70000 USD", "price 1.68000 USD crossed below 1.70000 USD", "price 1.71000 USD crossed above 1.70000 USD",
        }));
    }

    private async Task PollAsync(decimal price)
    {
        eurusd = price;
        await RunAsync("prices:poll:fixer");
    }

    private Task RunAsync(string job) => app.Services.RunAndStoreAsync(job);

    private static async Task<string> CreateAsync(HttpClient user, object rule)
    {
        var response = await user.PostAsJsonAsync("/api/alerts", rule);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string?> StateAsync(HttpClient user, string id) =>
        (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("state").GetString();
}
