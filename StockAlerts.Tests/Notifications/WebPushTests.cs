using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Notifications;

/// <summary>
/// Browser push without Firebase: a subscription is a device of platform "web", reached through a push service that
/// checks the VAPID signature and decrypts the payload with the subscription's own keys.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed class WebPushTests(StorageKind storage)
{
    private FakePushService pushService = null!;
    private TestApp app = null!;
    private int symbolIndex;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        pushService = await FakePushService.StartAsync();
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["WebPush:AllowPrivateEndpoints"] = "true",
            ["WebPush:Subject"] = "mailto:ops@stockalerts.test",
            ["Notifications:LiveAckGraceSeconds"] = "1",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await pushService.DisposeAsync();
    }

    [SetUp]
    public void AnswerSuccess() => pushService.Answer = _ => new FakeResponse(201, "", new Dictionary<string, string>(), TimeSpan.Zero);

    [Test]
    public async Task AFiring_ReachesTheBrowser_EncryptedToItsKeys_AndSignedWithTheServersVapidKey()
    {
        var user = await app.SignInAsync();
        var browser = pushService.Subscribe();
        await RegisterAsync(user, browser);
        var serverKey = (await user.GetFromJsonAsync<JsonElement>("/api/devices/web-push-key")).GetProperty("publicKey").GetString();

        var symbol = await FireARuleAsync(user);
        var push = await WaitForPushAsync(browser);
        var notification = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0];

        Assert.That(pushService.Refusals, Is.Empty, "every push carried a valid VAPID signature and decrypted");
        Assert.That(push.VapidPublicKey, Is.EqualTo(serverKey), "signed with the key browsers subscribe with");
        Assert.That(push.Payload["title"]!.GetValue<string>(), Is.EqualTo(notification.GetProperty("title").GetString()));
        Assert.That(push.Payload["body"]!.GetValue<string>(), Is.EqualTo(notification.GetProperty("body").GetString()));
        Assert.That(push.Payload["silent"]!.GetValue<bool>(), Is.False);
        Assert.That(push.Payload["data"]!["notificationId"]!.GetValue<string>(), Is.EqualTo(notification.GetProperty("id").GetString()));
        Assert.That(push.Payload["data"]!["symbol"]!.GetValue<string>(), Is.EqualTo(symbol));
        Assert.That(push.Urgency, Is.EqualTo("high"));
        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement>($"/api/notifications/{notification.GetProperty("id").GetString()}"))
            .GetProperty("deliveries")[0].GetProperty("status").GetString() == "sent");
    }

    [TestCase(410)]
    [TestCase(404)]
    public async Task ASubscriptionThePushServiceNoLongerKnows_IsRemoved(int status)
    {
        var user = await app.SignInAsync();
        var browser = pushService.Subscribe();
        pushService.Answer = subscription => subscription.Id == browser.Id
            ? new FakeResponse(status, "", new Dictionary<string, string>(), TimeSpan.Zero)
            : new FakeResponse(201, "", new Dictionary<string, string>(), TimeSpan.Zero);
        await RegisterAsync(user, browser);

        await FireARuleAsync(user);
        await WaitForPushAsync(browser);

        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/devices")).GetArrayLength() == 0);
    }

    [TestCase(429)]
    [TestCase(500)]
    [TestCase(503)]
    public async Task ABusyPushService_IsTriedAgainAfterItsRetryAfter(int status)
    {
        var user = await app.SignInAsync();
        var browser = pushService.Subscribe();
        var answered = 0;
        pushService.Answer = subscription => subscription.Id == browser.Id && Interlocked.Increment(ref answered) == 1
            ? new FakeResponse(status, "", new Dictionary<string, string> { ["Retry-After"] = "1" }, TimeSpan.Zero)
            : new FakeResponse(201, "", new Dictionary<string, string>(), TimeSpan.Zero);
        await RegisterAsync(user, browser);

        await FireARuleAsync(user);
        await WaitForAsync(() => Task.FromResult(pushService.Received.Count(push => push.SubscriptionId == browser.Id) >= 2), seconds: 60);
        var pushes = pushService.Received.Where(push => push.SubscriptionId == browser.Id).ToList();

        Assert.That(pushes.Select(push => push.AnsweredStatus), Is.EqualTo(new[] { status, 201 }));
        Assert.That(pushes.Select(push => push.Payload["data"]!["notificationId"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(1), "the same notification, once delivered");
    }

    [Test]
    public async Task ANotificationShownLiveAndAcknowledged_ReachesTheBrowserWithoutABanner()
    {
        var user = await app.SignInAsync();
        var browser = pushService.Subscribe();
        await RegisterAsync(user, browser);
        await using var hub = await HubClients.ConnectAsync(app, user, "/hubs/notifications");
        hub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification => _ = hub.InvokeAsync<bool>("Ack", notification.Id));

        await FireARuleAsync(user);
        var push = await WaitForPushAsync(browser);

        Assert.That(push.Payload.ContainsKey("title"), Is.False, "no title: the service worker shows no second banner");
        Assert.That(push.Payload["data"]!["notificationId"], Is.Not.Null, "the page still learns of it");
    }

    [Test]
    public async Task ABrowserRegistration_NeedsItsSubscriptionKeys()
    {
        var user = await app.SignInAsync();

        var missing = await user.PostAsJsonAsync("/api/devices", new { token = $"{pushService.BaseUrl}/push/x", platform = "web" });
        var wrong = await user.PostAsJsonAsync("/api/devices", new { token = "not a url", platform = "web", webPush = new { p256dh = "short", auth = "x" } });
        var wrongKeys = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("webPush", out _), Is.True);
        Assert.That(wrongKeys.EnumerateObject().Select(error => error.Name), Is.SupersetOf(new[] { "token", "webPush.p256dh", "webPush.auth" }));
    }

    [Test]
    public async Task TheVapidKey_IsMadeOnce_AndKeptAcrossARestart()
    {
        var user = await app.SignInAsync();
        var first = (await user.GetFromJsonAsync<JsonElement>("/api/devices/web-push-key")).GetProperty("publicKey").GetString();
        var settings = app.Settings.ToDictionary(setting => setting.Key, setting => setting.Value);

        await using var restarted = await TestApp.StartAsync(storage, settings);
        var again = (await (await restarted.SignInAsync()).GetFromJsonAsync<JsonElement>("/api/devices/web-push-key")).GetProperty("publicKey").GetString();

        Assert.That(first, Has.Length.EqualTo(87), "a base64url P-256 public key");
        Assert.That(again, Is.EqualTo(first), "kept in the data folder, or in Redis for a cluster");
    }

    private static async Task RegisterAsync(HttpClient user, FakePushService.Subscription browser) =>
        (await user.PostAsJsonAsync("/api/devices", new { token = browser.Endpoint, platform = "web", appVersion = "web", webPush = new { p256dh = browser.P256dh, auth = browser.Auth } }))
            .EnsureSuccessStatusCode();

    /// <summary>A rule on a symbol of its own that the next two prices cross, so every test fires exactly one.</summary>
    private async Task<string> FireARuleAsync(HttpClient user)
    {
        var symbol = new[] { "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM" }[Interlocked.Increment(ref symbolIndex) % 8];
        var level = 100m + symbolIndex * 1000m;
        (await user.PostAsJsonAsync("/api/alerts", new { symbol, condition = new { type = "crossesAbove", level }, channels = new[] { "push", "live" } })).EnsureSuccessStatusCode();
        await using var scope = app.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var now = DateTime.UtcNow;
        await mediator.Publish(new PricesUpdated([new PriceChange(symbol, level - 1, level - 2, now.AddSeconds(-2), "test", now, now.AddSeconds(-1), null, null)]));
        await mediator.Publish(new PricesUpdated([new PriceChange(symbol, level + 1, level - 1, now.AddSeconds(-1), "test", now, now, null, null)]));
        return symbol;
    }

    private async Task<FakePushService.ReceivedPush> WaitForPushAsync(FakePushService.Subscription browser)
    {
        await WaitForAsync(() => Task.FromResult(pushService.Received.Any(push => push.SubscriptionId == browser.Id) || pushService.Refusals.Count > 0), seconds: 30);
        Assert.That(pushService.Refusals, Is.Empty);
        return pushService.Received.First(push => push.SubscriptionId == browser.Id);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(100);
        }
    }
}
