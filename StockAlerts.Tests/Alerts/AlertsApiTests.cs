using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class AlertsApiTests(StorageKind storage)
{
    private TestApp app = null!;
    private HttpClient alice = null!;
    private HttpClient bob = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Alerts:MaxActiveRulesPerUser"] = "5" });
        await app.Services.RunAndStoreAsync("prices:poll:simulated");
        alice = await app.SignInAsync();
        bob = await app.SignInAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task Create_WithTheMinimalBody_Returns201WithStateAndDefaults()
    {
        var client = await app.SignInAsync();

        var response = await client.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "aapl",
            condition = new { type = "crossesAbove", level = 2000 },
            frequency = new { type = "once" },
            channels = new[] { "push", "live" },
        });
        var rule = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(response.Headers.Location!.ToString(), Does.EndWith(rule.GetProperty("id").GetString()!));
        Assert.That(rule.GetProperty("symbol").GetString(), Is.EqualTo("AAPL"));
        Assert.That(rule.GetProperty("state").GetString(), Is.AnyOf("active", "noData"));
        Assert.That(rule.GetProperty("fireCount").GetInt32(), Is.Zero);
    }

    // No rule watched USDCHF when its price arrived, so the index never saw it; the new rule must start from the
    // stored price instead of waiting for the next poll in noData.
    [Test]
    public async Task Create_OnASymbolNoRuleWatchedYet_StartsActiveFromTheStoredPrice()
    {
        await app.Services.RunAndStoreAsync("prices:poll:simulated");
        var client = await app.SignInAsync();

        var rule = await (await client.PostAsJsonAsync("/api/alerts", new { symbol = "USDCHF", condition = new { type = "crossesAbove", level = 50 } }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(rule.GetProperty("state").GetString(), Is.EqualTo("active"));
    }

    [Test]
    public async Task Create_WithoutChannels_UsesTheUsersDefaultChannels()
    {
        var client = await app.SignInAsync();
        await client.PutAsJsonAsync("/api/notifications/preferences", new { defaultChannels = new[] { "live" }, timeZone = "UTC", digest = true });

        var rule = await (await client.PostAsJsonAsync("/api/alerts", new { symbol = "AMD", condition = new { type = "below", level = 1 } }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(rule.GetProperty("channels").EnumerateArray().Select(channel => channel.GetString()), Is.EqualTo(new[] { "live" }));
    }

    [Test]
    public async Task Create_PercentChangeFromCreation_StoresAndShowsTheReferencePrice()
    {
        var client = await app.SignInAsync();
        var price = (await client.GetFromJsonAsync<JsonElement>("/api/prices/MSFT")).GetProperty("price").GetDecimal();

        var rule = await (await client.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "MSFT",
            condition = new { type = "percentChange", percent = 5, reference = "creation" },
            channels = new[] { "live" },
        })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(rule.GetProperty("condition").GetProperty("referencePrice").GetDecimal(), Is.EqualTo(price).Within(price * 0.01m));
        Assert.That(rule.GetProperty("condition").GetProperty("reference").GetString(), Is.EqualTo("creation"));
    }

    [Test]
    public async Task Create_Crosses_WatchesBothWays_SoTheRuleCarriesNoDirection()
    {
        var client = await app.SignInAsync();

        var rule = await (await client.PostAsJsonAsync("/api/alerts", new { symbol = "NVDA", condition = new { type = "crosses", level = 10_000 }, channels = new[] { "live" } }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(rule.GetProperty("condition").TryGetProperty("direction", out _), Is.False);
        Assert.That(rule.GetProperty("state").GetString(), Is.EqualTo("active"));
    }

    private static IEnumerable<TestCaseData> InvalidBodies()
    {
        yield return new TestCaseData(new { symbol = "NOPE", condition = new { type = "above", level = 10 }, channels = new[] { "live" } }, "Symbol").SetName("Create_UnknownSymbol_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "above", level = 0 }, channels = new[] { "live" } }, "condition.level").SetName("Create_LevelNotAboveZero_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "crosses", level = 200 }, rearm = new { margin = 2 }, channels = new[] { "live" } }, "rearm.margin").SetName("Create_CrossesEitherWayWithAMargin_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "insideChannel", lower = 200, upper = 100 }, channels = new[] { "live" } }, "condition.lower").SetName("Create_LowerNotBelowUpper_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "movesDown", percent = 1, windowMinutes = 100_000 }, channels = new[] { "live" } }, "condition.windowMinutes").SetName("Create_WindowOutOfBounds_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "above", level = 10 }, channels = new[] { "webhook" }, webhook = new { url = "http://example.com/hook", secret = "0123456789abcdef" } }, "webhook.url").SetName("Create_WebhookNotHttps_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "above", level = 10 }, channels = new[] { "live" }, expiresAt = "2020-01-01T00:00:00Z" }, "ExpiresAt").SetName("Create_ExpiryInThePast_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "trailingDrawdown", percent = 100 }, channels = new[] { "live" } }, "condition.percent").SetName("Create_RuleThatCanNeverFire_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "above", level = 10 }, channels = Array.Empty<string>() }, "Channels").SetName("Create_NoChannel_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "sideways", level = 10 }, channels = new[] { "live" } }, "condition.type").SetName("Create_UnknownConditionType_Returns400");
        yield return new TestCaseData(new { symbol = "AAPL", condition = new { type = "movesUp", amount = 1, percent = 1, windowMinutes = 5 }, channels = new[] { "live" } }, "condition.amount").SetName("Create_AmountAndPercentTogether_Returns400");
    }

    [TestCaseSource(nameof(InvalidBodies))]
    public async Task Create_WithAnInvalidBody_Returns400NamingTheField_AndStoresNothing(object body, string field)
    {
        var client = await app.SignInAsync();

        var response = await client.PostAsJsonAsync("/api/alerts", body);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/alerts");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(error => error.Name), Has.Some.EqualTo(field).IgnoreCase);
        Assert.That(list.GetProperty("total").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Create_ADuplicateOfAnActiveRule_Returns409()
    {
        var client = await app.SignInAsync();
        var body = new { symbol = "TSLA", condition = new { type = "below", level = 1 }, channels = new[] { "live" } };
        await client.PostAsJsonAsync("/api/alerts", body);

        var again = await client.PostAsJsonAsync("/api/alerts", body);

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Create_BeyondThePerUserCap_Returns409NamingTheCap()
    {
        var client = await app.SignInAsync();
        for (var level = 1; level <= 5; level++)
        {
            (await client.PostAsJsonAsync("/api/alerts", new { symbol = "AMZN", condition = new { type = "below", level }, channels = new[] { "live" } })).EnsureSuccessStatusCode();
        }

        var sixth = await client.PostAsJsonAsync("/api/alerts", new { symbol = "AMZN", condition = new { type = "below", level = 6 }, channels = new[] { "live" } });

        Assert.That(sixth.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await sixth.Content.ReadAsStringAsync(), Does.Contain("5 rules"));
    }

    [Test]
    public async Task List_FiltersBySymbolAndState_AndCapsThePageSize()
    {
        var client = await app.SignInAsync();
        await client.PostAsJsonAsync("/api/alerts", new { symbol = "META", condition = new { type = "below", level = 1 }, channels = new[] { "live" } });
        var paused = await (await client.PostAsJsonAsync("/api/alerts", new { symbol = "JPM", condition = new { type = "below", level = 1 }, channels = new[] { "live" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        await client.PostAsync($"/api/alerts/{paused.GetProperty("id").GetString()}/pause", null);

        var meta = await client.GetFromJsonAsync<JsonElement>("/api/alerts?symbol=meta");
        var pausedOnly = await client.GetFromJsonAsync<JsonElement>("/api/alerts?state=paused");
        var tooBig = await client.GetAsync("/api/alerts?pageSize=1000");

        Assert.That(meta.GetProperty("items").EnumerateArray().Select(rule => rule.GetProperty("symbol").GetString()), Is.EqualTo(new[] { "META" }));
        Assert.That(pausedOnly.GetProperty("items").EnumerateArray().Select(rule => rule.GetProperty("symbol").GetString()), Is.EqualTo(new[] { "JPM" }));
        Assert.That(tooBig.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task PauseResumeRearm_ChangeTheVisibleState()
    {
        var client = await app.SignInAsync();
        var id = await CreateAsync(client, new { symbol = "V", condition = new { type = "below", level = 1 }, channels = new[] { "live" } });

        var paused = await (await client.PostAsync($"/api/alerts/{id}/pause", null)).Content.ReadFromJsonAsync<JsonElement>();
        var resumed = await (await client.PostAsync($"/api/alerts/{id}/resume", null)).Content.ReadFromJsonAsync<JsonElement>();
        var rearmed = await client.PostAsync($"/api/alerts/{id}/rearm", null);

        Assert.That(paused.GetProperty("state").GetString(), Is.EqualTo("paused"));
        Assert.That(resumed.GetProperty("state").GetString(), Is.AnyOf("active", "noData"));
        Assert.That(rearmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Update_ReplacesTheDefinition()
    {
        var client = await app.SignInAsync();
        var id = await CreateAsync(client, new { symbol = "WMT", condition = new { type = "below", level = 1 }, channels = new[] { "live" } });

        var response = await client.PutAsJsonAsync($"/api/alerts/{id}", new { symbol = "WMT", condition = new { type = "above", level = 999 }, channels = new[] { "push" }, name = "moon" });
        var rule = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(rule.GetProperty("condition").GetProperty("type").GetString(), Is.EqualTo("above"));
        Assert.That(rule.GetProperty("name").GetString(), Is.EqualTo("moon"));
        Assert.That(rule.GetProperty("version").GetInt64(), Is.GreaterThan(1));
    }

    [Test]
    public async Task EveryEndpointWithAnId_AnswersAnotherUser404_AndChangesNothing()
    {
        var id = await CreateAsync(alice, new { symbol = "NFLX", condition = new { type = "below", level = 1 }, channels = new[] { "live" } });
        var body = new { symbol = "NFLX", condition = new { type = "below", level = 2 }, channels = new[] { "live" } };

        var responses = new[]
        {
            await bob.GetAsync($"/api/alerts/{id}"),
            await bob.PutAsJsonAsync($"/api/alerts/{id}", body),
            await bob.PostAsync($"/api/alerts/{id}/pause", null),
            await bob.PostAsync($"/api/alerts/{id}/resume", null),
            await bob.PostAsync($"/api/alerts/{id}/rearm", null),
            await bob.GetAsync($"/api/alerts/{id}/firings"),
            await bob.DeleteAsync($"/api/alerts/{id}"),
        };
        var bobsList = await bob.GetFromJsonAsync<JsonElement>("/api/alerts");
        var stillThere = await alice.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");

        Assert.That(responses.Select(response => response.StatusCode), Has.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(bobsList.GetProperty("items").EnumerateArray().Select(rule => rule.GetProperty("id").GetString()), Does.Not.Contain(id));
        Assert.That(stillThere.GetProperty("condition").GetProperty("level").GetDecimal(), Is.EqualTo(1m));
        Assert.That(stillThere.GetProperty("state").GetString(), Is.Not.EqualTo("paused"));
    }

    [Test]
    public async Task Delete_RemovesTheRule_ButItsFiringsStay()
    {
        var client = await app.SignInAsync();
        var price = (await client.GetFromJsonAsync<JsonElement>("/api/prices/GOOGL")).GetProperty("price").GetDecimal();
        var id = await CreateAsync(client, new { symbol = "GOOGL", condition = new { type = "above", level = price / 2 }, channels = new[] { "live" } });
        await FireAsync(client, id);

        var deleted = await client.DeleteAsync($"/api/alerts/{id}");
        var gone = await client.GetAsync($"/api/alerts/{id}");
        var firings = await client.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}/firings");

        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(firings.GetProperty("total").GetInt32(), Is.EqualTo(1));
        Assert.That(firings.GetProperty("items")[0].GetProperty("price").GetDecimal(), Is.GreaterThan(price / 2));
    }

    [TestCase("once", 1)]
    [TestCase("everyTime", 2)]
    public async Task Preview_ReplaysStoredBars_AndCountsWhatWouldHaveFired(string frequency, int expected)
    {
        var client = await app.SignInAsync();
        var start = DateTime.UtcNow.AddHours(-2);
        start = new DateTime(start.Year, start.Month, start.Day, start.Hour, 0, 0, DateTimeKind.Utc);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Prices.Data.PricesDbContext>();
            if (!database.PriceBars.Any(bar => bar.Symbol == "USDCAD" && bar.Start == start))
            {
                decimal[][] bars = [[100, 101, 99, 100], [100, 111, 100, 110], [110, 110, 99, 100], [100, 111, 100, 110]];
                database.PriceBars.AddRange(bars.Select((bar, minute) => new StockAlerts.Modules.Prices.Data.PriceBar
                {
                    Symbol = "USDCAD", Start = start.AddMinutes(minute), Open = bar[0], High = bar[1], Low = bar[2], Close = bar[3],
                    OpenAt = start.AddMinutes(minute), CloseAt = start.AddMinutes(minute + 1), Ticks = 30,
                }));
                await database.SaveChangesAsync();
            }
        }

        var response = await client.PostAsJsonAsync("/api/alerts/preview", new
        {
            rule = new { symbol = "USDCAD", condition = new { type = "crossesAbove", level = 105 }, frequency = new { type = frequency }, channels = new[] { "live" } },
            from = start,
            to = start.AddMinutes(10),
        });
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), result.ToString());
        Assert.That(result.GetProperty("bars").GetInt32(), Is.EqualTo(4));
        Assert.That(result.GetProperty("fireCount").GetInt32(), Is.EqualTo(expected));
        // The rising bar is walked 100 -> 111 (its high, halfway) -> 110; the first crossing of 105 is at the high.
        Assert.That(result.GetProperty("firings")[0].GetProperty("time").GetDateTime(), Is.EqualTo(start.AddMinutes(1).AddSeconds(30)));
        Assert.That(result.GetProperty("firings")[0].GetProperty("description").GetString(), Is.EqualTo("price 111.000 CAD crossed above 105.000 CAD"),
            "written as the live notification writes it");
        var coverage = result.GetProperty("coverage");
        Assert.That(coverage.GetProperty("ticksRecorded").GetInt32(), Is.EqualTo(120));
        Assert.That(coverage.GetProperty("barsWithEveryTick").GetInt32(), Is.Zero);
        Assert.That(coverage.GetProperty("ticksNotSeen").GetInt32(), Is.EqualTo(120 - 13), "4 + 3 + 3 + 3 prices on the bars' paths");
    }

    [Test]
    public async Task Preview_OfAnInvalidRuleOrPeriod_Returns400()
    {
        var client = await app.SignInAsync();

        var response = await client.PostAsJsonAsync("/api/alerts/preview", new
        {
            rule = new { symbol = "USDCAD", condition = new { type = "crossesAbove", level = -1 }, channels = new[] { "live" } },
            from = DateTime.UtcNow,
            to = DateTime.UtcNow.AddDays(-60),
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task AlertsApi_WithoutToken_Returns401()
    {
        var response = await app.CreateClient().GetAsync("/api/alerts");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private async Task FireAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await Task.Delay(1100);
            await app.Services.RunAndStoreAsync("prices:poll:simulated");
            if ((await client.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("fireCount").GetInt32() > 0)
            {
                return;
            }
        }
        Assert.Fail("the rule did not fire");
    }

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/alerts", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
