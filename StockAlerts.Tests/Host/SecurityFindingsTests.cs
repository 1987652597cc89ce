using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// What an attacker with two accounts tried (#21) and what must hold: the rule cap on every path that makes a rule
/// live and under races, input that answers 400 instead of 500, no open redirect, no health details for strangers,
/// a hub that cannot be flooded.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed partial class SecurityFindingsTests(StorageKind storage)
{
    private const int Cap = 4;
    private FakeQuoteServer quotes = null!;
    private TestApp app = null!;
    private decimal price = 100m;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        quotes = await FakeQuoteServer.StartAsync();
        quotes.Finnhub = request => FakeResponse.FinnhubQuote(request.Query["symbol"] == "MSFT" ? price : 50m, 99m, 98m, FakeQuoteServer.Timestamp);
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Alerts:MaxActiveRulesPerUser"] = Cap.ToString(),
            ["Prices:Providers:finnhub:ApiKey"] = "finnhub-key",
            ["Prices:Providers:finnhub:BaseUrl"] = quotes.BaseUrl + "/finnhub",
            ["Prices:Providers:finnhub:MaxSymbolsPerRun"] = "20",
            ["Realtime:CallsPerSecond"] = "10",
        });
        await PricesAsync(100m);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await quotes.DisposeAsync();
    }

    [Test]
    public async Task TheRuleCap_HoldsOnEveryPathThatBringsAnExpiredRuleBack()
    {
        var user = await app.SignInAsync();
        // Two rules that expire after one firing each, then the cap filled with live ones.
        var spent = new[] { await CreateAsync(user, 101m, maxFires: 1), await CreateAsync(user, 102m, maxFires: 1) };
        await PricesAsync(100m, 110m, 100m);
        await WaitForAsync(async () => (await Task.WhenAll(spent.Select(id => StateAsync(user, id)))).All(state => state == "expired"));
        for (var level = 0; level < Cap; level++)
        {
            await CreateAsync(user, 200m + level);
        }
        var notification = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0].GetProperty("id").GetString();

        var attempts = new Dictionary<string, HttpResponseMessage>
        {
            ["create"] = await user.PostAsJsonAsync("/api/alerts", Rule(300m)),
            ["rearm"] = await user.PostAsync($"/api/alerts/{spent[0]}/rearm", null),
            ["resume"] = await user.PostAsync($"/api/alerts/{spent[0]}/resume", null),
            ["pause"] = await user.PostAsync($"/api/alerts/{spent[0]}/pause", null),
            ["edit"] = await user.PutAsJsonAsync($"/api/alerts/{spent[1]}", Rule(301m)),
            ["notification rearm"] = await user.PostAsync($"/api/notifications/{notification}/actions/rearm", null),
            ["notification moveLevel"] = await user.PostAsJsonAsync($"/api/notifications/{notification}/actions/moveLevel", new { amount = 5 }),
            ["notification snooze"] = await user.PostAsJsonAsync($"/api/notifications/{notification}/actions/snooze", new { minutes = 5 }),
        };

        foreach (var (path, response) in attempts)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), $"{path}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.That(await LiveRulesAsync(user), Is.EqualTo(Cap));
        foreach (var id in spent)
        {
            Assert.That(await StateAsync(user, id), Is.EqualTo("expired"), "a refused change leaves nothing behind");
        }

        var live = (await user.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("items").EnumerateArray().First(rule => rule.GetProperty("state").GetString() != "expired");
        await user.DeleteAsync($"/api/alerts/{live.GetProperty("id").GetString()}");
        var rearmed = await user.PostAsync($"/api/alerts/{spent[0]}/rearm", null);
        Assert.That(rearmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "below the cap, re-arming an expired rule is fine");
        Assert.That(await LiveRulesAsync(user), Is.EqualTo(Cap));
    }

    [Test]
    public async Task ParallelCreates_StopExactlyAtTheCap()
    {
        var user = await app.SignInAsync();
        await CreateAsync(user, 400m);

        var answers = await Task.WhenAll(Enumerable.Range(1, 12).Select(level => user.PostAsJsonAsync("/api/alerts", Rule(400m + level))));
        var duplicates = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.SignInAsync()));
        var sameRule = await Task.WhenAll(duplicates.Take(1).SelectMany(other => Enumerable.Range(0, 6).Select(_ => other.PostAsJsonAsync("/api/alerts", Rule(500m)))));

        Assert.That(answers.Count(answer => answer.StatusCode == HttpStatusCode.Created), Is.EqualTo(Cap - 1));
        Assert.That(answers.Where(answer => answer.StatusCode != HttpStatusCode.Created).Select(answer => answer.StatusCode), Is.All.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await LiveRulesAsync(user), Is.EqualTo(Cap));
        Assert.That(sameRule.Count(answer => answer.StatusCode == HttpStatusCode.Created), Is.EqualTo(1), "the same rule sent six times at once is stored once");
        Assert.That(await LiveRulesAsync(duplicates[0]), Is.EqualTo(1));
    }

    [Test]
    public async Task MovingALevel_StaysWithinWhatCreatingARuleAllows()
    {
        var user = await app.SignInAsync();
        var id = await CreateAsync(user, 103m);
        await PricesAsync(100m, 110m, 100m);
        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").GetArrayLength() > 0);
        var notification = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0].GetProperty("id").GetString();

        var down = await user.PostAsJsonAsync($"/api/notifications/{notification}/actions/moveLevel", new { amount = -1000 });
        var answers = new List<HttpStatusCode>();
        for (var move = 0; move < 14; move++)
        {
            answers.Add((await user.PostAsJsonAsync($"/api/notifications/{notification}/actions/moveLevel", new { percent = 1000 })).StatusCode);
        }
        var level = (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("condition").GetProperty("level").GetDecimal();

        Assert.That(down.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a level below zero is refused");
        Assert.That(answers, Has.None.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(answers.Count(status => status == HttpStatusCode.OK), Is.EqualTo(9), "103 × 11⁹ is the last level below 10¹²");
        Assert.That(level, Is.GreaterThan(0m).And.LessThan(1_000_000_000_000m));
    }

    [Test]
    public async Task MovingTheLevel_OfARuleWithoutOne_IsRefusedWithTheReason()
    {
        var user = await app.SignInAsync();
        var created = await user.PostAsJsonAsync("/api/alerts", new { symbol = "MSFT", condition = new { type = "trailingRise", amount = 3 } });
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var account = await user.GetFromJsonAsync<JsonElement>("/api/account");
        await using var scope = app.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
            new MoveRuleLevel(rule.GetProperty("id").GetGuid(), account.GetProperty("id").GetString()!, 5m, null));

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(result.Refused, Is.True);
        Assert.That(result.Changed, Does.Contain("no level to move"));
    }

    [TestCase("America")]
    [TestCase("Etc")]
    [TestCase("posix")]
    [TestCase("right")]
    [TestCase("../../../etc/passwd")]
    [TestCase("/etc/localtime")]
    [TestCase("Europe/")]
    public async Task ATimeZoneThatIsAFolderOrAPath_Is400AtItsField(string zone)
    {
        var user = await app.SignInAsync();

        var rule = await user.PostAsJsonAsync("/api/alerts", new { symbol = "MSFT", condition = new { type = "crossesAbove", level = 600 }, timeZone = zone });
        var schedule = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "MSFT", condition = new { type = "crossesAbove", level = 601 },
            schedule = new { days = new[] { "mon" }, from = "09:00", to = "17:00", timeZone = zone },
        });
        var preferences = await user.PutAsJsonAsync("/api/notifications/preferences", new { defaultChannels = new[] { "live" }, timeZone = zone, digest = false });

        await AssertErrorAtAsync(rule, "timeZone");
        await AssertErrorAtAsync(schedule, "schedule.timeZone");
        await AssertErrorAtAsync(preferences, "timeZone");
    }

    [Test]
    public async Task AnEnumAsANumberInAString_Is400()
    {
        var user = await app.SignInAsync();

        var response = await user.PostAsJsonAsync("/api/alerts", new { symbol = "MSFT", condition = new { type = "crossesAbove", level = 610 }, frequency = new { type = "1" } });

        await AssertErrorAtAsync(response, "frequency.type");
    }

    [TestCase("forgotPassword")]
    [TestCase("resetPassword")]
    [TestCase("resendConfirmationEmail")]
    [TestCase("manage/info")]
    public async Task TheEmailFlows_AreNotOffered(string path)
    {
        var response = await app.CreateClient().PostAsJsonAsync($"/api/auth/{path}", new { email = (string?)null });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound).Or.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [TestCase("%2F%09%2Fexample.com")]
    [TestCase("%2F%5C%2Fexample.com")]
    [TestCase("%2F%0A%2Fexample.com")]
    [TestCase("%2Fhangfire%0D%0ASet-Cookie%3A%20x%3D1")]
    [TestCase("%2Fhangfire%00")]
    [TestCase("%2F%2Fexample.com")]
    [TestCase("https%3A%2F%2Fexample.com")]
    public async Task TheSignInForm_RedirectsOnlyWithinTheSite(string returnUrl)
    {
        var (browser, email) = await AdminBrowserAsync();
        var page = await browser.GetAsync($"/account/login?returnUrl={returnUrl}");
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync());

        var response = await browser.PostAsync($"/account/login?returnUrl={returnUrl}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["email"] = email,
            ["password"] = "Correct-Horse-42",
        }));

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/hangfire"));
    }

    [Test]
    public async Task TheSignInForm_KeepsAPathOnTheSite_AndTheEmailAfterAWrongPassword()
    {
        var (browser, email) = await AdminBrowserAsync();
        var token = AntiforgeryField().Match(await browser.GetStringAsync("/account/login"));
        var form = new Dictionary<string, string> { [token.Groups["name"].Value] = token.Groups["value"].Value, ["email"] = email, ["password"] = "Wrong-Horse-1" };

        var wrong = await browser.PostAsync("/account/login", new FormUrlEncodedContent(form));
        form["password"] = "Correct-Horse-42";
        var right = await browser.PostAsync("/account/login?returnUrl=%2Fhangfire%2Fjobs%2Fenqueued%3Fcount%3D10", new FormUrlEncodedContent(form));

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await wrong.Content.ReadAsStringAsync(), Does.Contain($"value=\"{email}\""));
        Assert.That(right.Headers.Location?.OriginalString, Is.EqualTo("/hangfire/jobs/enqueued?count=10"));
    }

    [Test]
    public async Task Health_ShowsStatusToEveryone_AndDetailsOnlyToAnAdmin()
    {
        var anonymous = await app.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready");
        var admin = await (await app.SignInAdminAsync()).GetFromJsonAsync<JsonElement>("/health/ready");
        var user = await (await app.SignInAsync()).GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.That(anonymous.GetProperty("status").GetString(), Is.Not.Empty);
        foreach (var check in anonymous.GetProperty("checks").EnumerateObject().Concat(user.GetProperty("checks").EnumerateObject()))
        {
            Assert.That(check.Value.GetProperty("status").GetString(), Is.Not.Empty);
            Assert.That(check.Value.GetProperty("description").ValueKind, Is.EqualTo(JsonValueKind.Null), check.Name);
            Assert.That(check.Value.GetProperty("data").ValueKind, Is.EqualTo(JsonValueKind.Null), check.Name);
        }
        Assert.That(admin.GetProperty("checks").GetProperty("database").GetProperty("description").GetString(), Does.Contain("reachable"));
    }

    [Test]
    public async Task HubCalls_AreLimitedPerUser_AndTheConnectionStays()
    {
        var user = await app.SignInAsync();
        await using var hub = await HubClients.ConnectAsync(app, user, "/hubs/notifications");

        var refused = 0;
        var accepted = 0;
        for (var call = 0; call < 200; call++)
        {
            try
            {
                await hub.InvokeAsync<bool>("Ack", Guid.NewGuid());
                accepted++;
            }
            catch (HubException exception) when (exception.Message.Contains("Too many calls"))
            {
                refused++;
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var afterAPause = await hub.InvokeAsync<bool>("Ack", Guid.NewGuid());

        Assert.That(accepted, Is.LessThan(100), "10 a second, bursts of 20: 200 calls in a burst cannot all pass");
        Assert.That(refused, Is.GreaterThan(100));
        Assert.That(hub.State, Is.EqualTo(HubConnectionState.Connected));
        Assert.That(afterAPause, Is.False, "an unknown notification is not acknowledged, but the call went through");
    }

    [Test]
    public async Task AnInstrument_WithAPriceNoDecimalWalkCanHold_Is400()
    {
        var admin = await app.SignInAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/instruments", new { symbol = "HUGE", kind = "stock", currency = "USD", displayName = "Huge", referencePrice = 1e20m });

        await AssertErrorAtAsync(response, "referencePrice");
    }

    private async Task<(HttpClient Browser, string Email)> AdminBrowserAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        (await app.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        await StockAlerts.Web.Identity.UsersSetup.MakeAdminAsync(app.Services, email);
        return (app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false }), email);
    }

    private static object Rule(decimal level, int? maxFires = null) => maxFires is null
        ? new { symbol = "MSFT", condition = new { type = "crossesAbove", level } }
        : new { symbol = "MSFT", condition = new { type = "crossesAbove", level }, frequency = new { type = "everyTime", maxFires } };

    private static async Task<string> CreateAsync(HttpClient user, decimal level, int? maxFires = null)
    {
        var response = await user.PostAsJsonAsync("/api/alerts", Rule(level, maxFires));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string?> StateAsync(HttpClient user, string id) =>
        (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("state").GetString();

    private static async Task<int> LiveRulesAsync(HttpClient user) =>
        (await user.GetFromJsonAsync<JsonElement>("/api/alerts?pageSize=100")).GetProperty("items").EnumerateArray().Count(rule => rule.GetProperty("state").GetString() != "expired");

    private static async Task AssertErrorAtAsync(HttpResponseMessage response, string key)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(key, out _), Is.True, body);
    }

    private async Task PricesAsync(params decimal[] path)
    {
        foreach (var next in path)
        {
            price = next;
            await app.Services.RunAndStoreAsync("prices:poll:finnhub");
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        for (var attempt = 0; attempt < 100 && !await done(); attempt++)
        {
            await Task.Delay(100);
        }
        Assert.That(await done(), Is.True, "waited 10 s");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
