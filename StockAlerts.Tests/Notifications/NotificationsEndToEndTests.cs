using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Notifications.DeliverNotification;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Notifications;

/// <summary>
/// Register → device → rule → a price through the Prices module → one stored notification, one live message, one
/// FCM push (real Google.Apis.Auth flow against the local token endpoint), then what the user does with it.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
[NonParallelizable]
public sealed class NotificationsEndToEndTests(StorageKind storage)
{
    private ServiceAccountKey key = null!;
    private FakeGoogleServer google = null!;
    private FakeQuoteServer quotes = null!;
    private FakeWebhookReceiver receiver = null!;
    private TestApp app = null!;
    private decimal aapl = 100m;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        key = new ServiceAccountKey();
        google = await FakeGoogleServer.StartAsync(key);
        quotes = await FakeQuoteServer.StartAsync();
        receiver = await FakeWebhookReceiver.StartAsync();
        quotes.Finnhub = request => FakeResponse.FinnhubQuote(request.Query["symbol"] == "AAPL" ? aapl : 50m, 99m, 98m, FakeQuoteServer.Timestamp);
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Firebase:CredentialsPath"] = key.WriteFile(google.TokenUri),
            ["Firebase:BaseUrl"] = google.BaseUrl,
            ["Prices:Providers:finnhub:ApiKey"] = "finnhub-key",
            ["Prices:Providers:finnhub:BaseUrl"] = quotes.BaseUrl + "/finnhub",
            ["Prices:Providers:finnhub:MaxSymbolsPerRun"] = "20",
            ["Notifications:LiveAckGraceSeconds"] = "1",
            ["Notifications:LiveResendSeconds"] = "2",
            ["Webhooks:AllowPrivateTargets"] = "true",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await google.DisposeAsync();
        await quotes.DisposeAsync();
        await receiver.DisposeAsync();
        key.Dispose();
    }

    [Test]
    public async Task AFiring_IsStoredOnce_ShownLiveOnce_PushedOncePerDevice_AndCanBeActedOn()
    {
        var user = await app.SignInAsync();
        var token = $"device-{Guid.NewGuid():N}";
        var secondToken = $"device-{Guid.NewGuid():N}";
        (await user.PostAsJsonAsync("/api/devices", new { token, platform = "android", appVersion = "1.0" })).EnsureSuccessStatusCode();
        (await user.PostAsJsonAsync("/api/devices", new { token = secondToken, platform = "ios" })).EnsureSuccessStatusCode();
        await using var hub = await HubClients.ConnectAsync(app, user, "/hubs/notifications");
        var live = new ConcurrentQueue<LiveNotification>();
        hub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification =>
        {
            live.Enqueue(notification);
            _ = hub.InvokeAsync<bool>("Ack", notification.Id);
        });
        var ruleId = await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 105 }, channels = new[] { "push", "live" } });

        await PricesAsync(100m, 110m);
        await WaitForAsync(() => google.MessagesTo(token) >= 1 && google.MessagesTo(secondToken) >= 1 && !live.IsEmpty);
        await WaitForAsync(async () => (await LatestNotificationAsync(user)).GetProperty("deliveries").EnumerateArray().All(delivery => delivery.GetProperty("status").GetString() == "sent"));
        var list = await user.GetFromJsonAsync<JsonElement>("/api/notifications");
        var notificationId = list.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString()!;
        var detail = await user.GetFromJsonAsync<JsonElement>($"/api/notifications/{notificationId}");
        var pushed = google.Messages.First(message => message.Token == token);

        Assert.That(live.Select(notification => notification.Id.ToString()), Is.EqualTo(new[] { notificationId }));
        Assert.That(google.MessagesTo(token), Is.EqualTo(1));
        Assert.That(google.MessagesTo(secondToken), Is.EqualTo(1));
        Assert.That(Data(pushed)["notificationId"], Is.EqualTo(notificationId));
        Assert.That(Data(pushed)["ruleId"], Is.EqualTo(ruleId));
        Assert.That(Data(pushed)["symbol"], Is.EqualTo("AAPL"));
        Assert.That(Data(pushed)["price"], Is.EqualTo("110"));
        Assert.That(Data(pushed)["kind"], Is.EqualTo("crossesAbove"));
        Assert.That(detail.GetProperty("deliveries").EnumerateArray().Select(delivery => delivery.GetProperty("status").GetString()), Is.EqualTo(new[] { "sent", "sent" }));

        // Running the delivery job again (as after a crash) sends nothing twice.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverNotificationJob>().RunAsync(Guid.Parse(notificationId), CancellationToken.None);
        }
        Assert.That(google.MessagesTo(token), Is.EqualTo(1));

        var read = await user.PostAsync($"/api/notifications/{notificationId}/read", null);
        var unread = await user.GetFromJsonAsync<JsonElement>("/api/notifications?unread=true");
        var snoozed = await (await user.PostAsJsonAsync($"/api/notifications/{notificationId}/actions/snooze", new { minutes = 30 })).Content.ReadFromJsonAsync<JsonElement>();
        var ruleWhileSnoozed = await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{ruleId}");
        var rearmed = await (await user.PostAsync($"/api/notifications/{notificationId}/actions/rearm", null)).Content.ReadFromJsonAsync<JsonElement>();
        var moved = await (await user.PostAsJsonAsync($"/api/notifications/{notificationId}/actions/moveLevel", new { amount = 10 })).Content.ReadFromJsonAsync<JsonElement>();
        var dismissed = await user.PostAsync($"/api/notifications/{notificationId}/dismiss", null);
        await user.DeleteAsync($"/api/alerts/{ruleId}");
        var afterDelete = await user.PostAsync($"/api/notifications/{notificationId}/actions/rearm", null);

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(unread.GetProperty("items").GetArrayLength(), Is.Zero);
        Assert.That(snoozed.GetProperty("ruleState").GetString(), Is.EqualTo("paused"));
        Assert.That(ruleWhileSnoozed.GetProperty("pausedUntil").GetDateTime(), Is.GreaterThan(DateTime.UtcNow.AddMinutes(25)));
        Assert.That(rearmed.GetProperty("ruleState").GetString(), Is.Not.EqualTo("paused"));
        Assert.That(moved.GetProperty("level").GetDecimal(), Is.EqualTo(115m));
        Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(afterDelete.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task ANotificationAcknowledgedLive_IsPushedSilently()
    {
        var user = await app.SignInAsync();
        var token = $"device-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        await using var hub = await HubClients.ConnectAsync(app, user, "/hubs/notifications");
        hub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification => _ = hub.InvokeAsync<bool>("Ack", notification.Id));
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 125 }, channels = new[] { "push", "live" } });

        await PricesAsync(120m, 130m);
        await WaitForAsync(() => google.MessagesTo(token) >= 1);
        var pushed = google.Messages.Single(message => message.Token == token);

        Assert.That(pushed.Message.ContainsKey("notification"), Is.False, "the app showed it live, so the phone must not show a second banner");
        Assert.That(Data(pushed).ContainsKey("notificationId"), Is.True);
    }

    [Test]
    public async Task ALiveNotificationNoConnectionAcknowledged_IsSentAgainAtMostThreeTimes_AnAcknowledgedOneOnlyOnce()
    {
        var silent = await app.SignInAsync();
        var acking = await app.SignInAsync();
        await using var silentHub = await HubClients.ConnectAsync(app, silent, "/hubs/notifications");
        await using var ackingHub = await HubClients.ConnectAsync(app, acking, "/hubs/notifications");
        var toSilent = new ConcurrentQueue<Guid>();
        var toAcking = new ConcurrentQueue<Guid>();
        silentHub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification => toSilent.Enqueue(notification.Id));
        ackingHub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification =>
        {
            toAcking.Enqueue(notification.Id);
            _ = ackingHub.InvokeAsync<bool>("Ack", notification.Id);
        });
        await CreateRuleAsync(silent, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 145 }, channels = new[] { "live" } });
        await CreateRuleAsync(acking, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 145 }, channels = new[] { "live" } });

        await PricesAsync(140m, 150m);
        // Sent, then again every 2 s while unacknowledged, three times at most; waited out well past that.
        await WaitForAsync(() => toSilent.Count >= 4);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var silentIds = await NotificationIdsAsync(silent);
        var ackingIds = await NotificationIdsAsync(acking);

        Assert.That(silentIds, Has.Count.EqualTo(1));
        Assert.That(toSilent, Is.EqualTo(Enumerable.Repeat(silentIds[0], 4)), "the first send and three more, then no more");
        Assert.That(toAcking, Is.EqualTo(ackingIds), "acknowledged at once: sent once");
    }

    [Test]
    public async Task AConnectionOpenedAfterTheFirstSend_StillGetsTheNotificationLive_UntilItAcknowledges()
    {
        // The first send went to no connection (as when Redis was away, or the app was moving to another instance).
        var user = await app.SignInAsync();
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 165 }, channels = new[] { "live" } });
        var other = await app.SignInAsync();
        await CreateRuleAsync(other, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 165 }, channels = new[] { "push" } });
        await PricesAsync(160m, 170m);
        await WaitForAsync(async () => (await NotificationIdsAsync(user)).Count == 1 && (await NotificationIdsAsync(other)).Count == 1);

        await using var hub = await HubClients.ConnectAsync(app, user, "/hubs/notifications");
        var live = new ConcurrentQueue<Guid>();
        hub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification =>
        {
            live.Enqueue(notification.Id);
            _ = hub.InvokeAsync<bool>("Ack", notification.Id);
        });
        await using var otherHub = await HubClients.ConnectAsync(app, other, "/hubs/notifications");
        var toOther = new ConcurrentQueue<Guid>();
        otherHub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification => toOther.Enqueue(notification.Id));
        await WaitForAsync(() => !live.IsEmpty);
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.That(live, Is.EqualTo(await NotificationIdsAsync(user)), "once, then acknowledged");
        Assert.That(toOther, Is.Empty, "a rule without the live channel is not sent live, and no user gets another's");
    }

    [Test]
    public async Task AnUnregisteredToken_RemovesTheDevice()
    {
        var user = await app.SignInAsync();
        var token = $"gone-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        google.Fcm = request => request.Token == token ? FcmAnswers.Unregistered() : FcmAnswers.Success(request);
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 145 }, channels = new[] { "push" } });

        await PricesAsync(140m, 150m);
        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Length == 0);
        google.Fcm = FcmAnswers.Success;

        Assert.That(await user.GetFromJsonAsync<JsonElement[]>("/api/devices"), Is.Empty);
        Assert.That(google.MessagesTo(token), Is.EqualTo(1));
    }

    [Test]
    public async Task AWebhookRule_PostsASignedCallOnce()
    {
        var user = await app.SignInAsync();
        const string secret = "a-webhook-secret-of-some-length";
        await CreateRuleAsync(user, new
        {
            symbol = "AAPL",
            condition = new { type = "crossesAbove", level = 165 },
            channels = new[] { "webhook" },
            webhook = new { url = receiver.BaseUrl + "/hook", secret },
        });

        await PricesAsync(160m, 170m);
        await WaitForAsync(() => receiver.ReceivedAt("/hook").Count >= 1);
        var call = receiver.ReceivedAt("/hook").Single();
        var timestamp = long.Parse(call.Headers["X-StockAlerts-Timestamp"]);

        Assert.That(call.Headers["X-StockAlerts-Signature"], Is.EqualTo(WebhookSender.Sign(secret, timestamp, call.Body)));
        Assert.That(JsonDocument.Parse(call.Body).RootElement.GetProperty("price").GetProperty("price").GetDecimal(), Is.EqualTo(170m));
        Assert.That(call.Headers.ContainsKey("Idempotency-Key"), Is.True);
    }

    [Test]
    public async Task AnotherUser_NeverSeesOrTouchesTheNotification()
    {
        var alice = await app.SignInAsync();
        var bob = await app.SignInAsync();
        await using var bobsHub = await HubClients.ConnectAsync(app, bob, "/hubs/notifications");
        var bobReceived = new ConcurrentQueue<LiveNotification>();
        bobsHub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), bobReceived.Enqueue);
        await CreateRuleAsync(alice, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 185 }, channels = new[] { "live" } });

        await PricesAsync(180m, 190m);
        await WaitForAsync(async () => (await alice.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").GetArrayLength() == 1);
        var id = (await alice.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0].GetProperty("id").GetString();
        var aliceDevice = await (await alice.PostAsJsonAsync("/api/devices", new { token = $"alice-{Guid.NewGuid():N}", platform = "android" })).Content.ReadFromJsonAsync<JsonElement>();

        var responses = new[]
        {
            await bob.GetAsync($"/api/notifications/{id}"),
            await bob.PostAsync($"/api/notifications/{id}/read", null),
            await bob.PostAsync($"/api/notifications/{id}/dismiss", null),
            await bob.PostAsync($"/api/notifications/{id}/actions/rearm", null),
            await bob.DeleteAsync($"/api/devices/{aliceDevice.GetProperty("id").GetString()}"),
        };
        var bobsList = await bob.GetFromJsonAsync<JsonElement>("/api/notifications");
        var bobAck = await bobsHub.InvokeAsync<bool>("Ack", Guid.Parse(id!));

        Assert.That(responses.Select(response => response.StatusCode), Has.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(bobsList.GetProperty("items").GetArrayLength(), Is.Zero);
        Assert.That(bobReceived, Is.Empty);
        Assert.That(bobAck, Is.False);
        Assert.That(await alice.GetFromJsonAsync<JsonElement[]>("/api/devices"), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task CatchUp_WithSince_ReturnsOnlyWhatCameAfter()
    {
        var user = await app.SignInAsync();
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 205 }, channels = new[] { "live" } });
        await PricesAsync(200m, 210m);
        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").GetArrayLength() == 1);
        var first = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0];
        var cursor = first.GetProperty("createdAt").GetDateTime().ToString("O");
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 215 }, channels = new[] { "live" } });

        await PricesAsync(210m, 220m);
        await WaitForAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").GetArrayLength() == 2);
        var since = await user.GetFromJsonAsync<JsonElement>($"/api/notifications?since={Uri.EscapeDataString(cursor)}");

        Assert.That(since.GetProperty("items").GetArrayLength(), Is.EqualTo(1));
        Assert.That(since.GetProperty("items")[0].GetProperty("level").GetDecimal(), Is.EqualTo(215m));
    }

    private static Dictionary<string, string> Data(FcmRequest request) =>
        request.Message["data"]!.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());

    [Test]
    public async Task UnavailableWithRetryAfter_IsRetriedAfterIt_AndDeliveredOnce()
    {
        var user = await app.SignInAsync();
        var token = $"busy-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        var refusals = 0;
        google.Fcm = request => request.Token == token && Interlocked.Increment(ref refusals) == 1 ? FcmAnswers.Unavailable(retryAfter: "2") : FcmAnswers.Success(request);
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 225 }, channels = new[] { "push" } });

        await PricesAsync(220m, 230m);
        var firstTry = DateTime.UtcNow;
        await WaitForAsync(async () => await DeliveryStatusAsync(user) == "sent");
        var retriedAfter = DateTime.UtcNow - firstTry;
        google.Fcm = FcmAnswers.Success;
        var delivery = (await LatestNotificationAsync(user)).GetProperty("deliveries")[0];
        Assert.That(delivery.GetProperty("status").GetString(), Is.EqualTo("sent"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(2));
        Assert.That(google.MessagesTo(token), Is.EqualTo(2), "one refused, one delivered");
        Assert.That(retriedAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5)), "not before Retry-After");
    }

    [Test]
    public async Task RefusedCredentials_FailTheDelivery_AndShowInReadiness()
    {
        var user = await app.SignInAsync();
        var token = $"denied-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "ios" });
        google.Fcm = request => request.Token == token ? FcmAnswers.SenderIdMismatch() : FcmAnswers.Success(request);
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 245 }, channels = new[] { "push" } });

        await PricesAsync(240m, 250m);
        await WaitForAsync(async () => await DeliveryStatusAsync(user) == "failed");
        var health = await (await app.SignInAdminAsync()).GetFromJsonAsync<JsonElement>("/health/ready");
        google.Fcm = FcmAnswers.Success;

        Assert.That(await DeliveryStatusAsync(user), Is.EqualTo("failed"));
        Assert.That(health.GetProperty("checks").GetProperty("push").GetProperty("status").GetString(), Is.EqualTo("Degraded"));
        Assert.That(google.MessagesTo(token), Is.EqualTo(1), "a configuration error is not retried");
        Assert.That(await user.GetFromJsonAsync<JsonElement[]>("/api/devices"), Has.Length.EqualTo(1), "the device is kept");
    }

    [Test]
    public async Task ABurstOfFirings_BecomesOneDigestPush_WhileEachNotificationIsListed()
    {
        var user = await app.SignInAsync();
        var token = $"burst-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        foreach (var level in new[] { 262, 264, 266 })
        {
            await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level }, channels = new[] { "push" } });
        }

        await PricesAsync(260m, 270m);
        await WaitForAsync(() => google.MessagesTo(token) >= 1);
        await Task.Delay(1500);
        var list = await user.GetFromJsonAsync<JsonElement>("/api/notifications");
        var pushed = google.Messages.Where(message => message.Token == token).ToList();

        Assert.That(list.GetProperty("items").GetArrayLength(), Is.EqualTo(3));
        Assert.That(pushed, Has.Count.EqualTo(1));
        Assert.That(Data(pushed[0])["kind"], Is.EqualTo("digest"));
        Assert.That(Data(pushed[0])["notificationIds"].Split(','), Has.Length.EqualTo(3));
        Assert.That(pushed[0].Message["notification"]!["title"]!.GetValue<string>(), Does.StartWith("3 alerts: AAPL"));
    }

    [Test]
    public async Task DuringQuietHours_ThePushIsSilent()
    {
        var user = await app.SignInAsync();
        var token = $"quiet-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        var now = TimeOnly.FromDateTime(DateTime.UtcNow);
        var quiet = await user.PutAsJsonAsync("/api/notifications/preferences", new
        {
            defaultChannels = new[] { "push" },
            quietFrom = now.AddHours(-1).ToString("HH:mm"),
            quietTo = now.AddHours(1).ToString("HH:mm"),
            timeZone = "UTC",
            digest = true,
        });
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 285 }, channels = new[] { "push" } });

        await PricesAsync(280m, 290m);
        await WaitForAsync(() => google.MessagesTo(token) >= 1);
        var pushed = google.Messages.Single(message => message.Token == token);

        Assert.That(quiet.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pushed.Message.ContainsKey("notification"), Is.False);
    }

    [Test]
    public async Task ADeliveryLeftClaimedByARunThatDied_IsTakenOverAndDeliveredOnce()
    {
        var user = await app.SignInAsync();
        var token = $"crash-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 305 }, channels = new[] { "push" } });
        await PricesAsync(300m, 310m);
        var id = Guid.Parse((await LatestNotificationAsync(user)).GetProperty("id").GetString()!);

        // A run that claimed the row and then died (the claim is backdated past the lease), as after a crash.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Notifications.Data.NotificationsDbContext>();
            var stale = DateTime.UtcNow.AddMinutes(-10);
            Guid? deadRun = Guid.NewGuid();
            await database.Deliveries.Where(delivery => delivery.NotificationId == id && delivery.Status == "pending")
                .ExecuteUpdateAsync(delivery => delivery.SetProperty(column => column.Status, "sending").SetProperty(column => column.ClaimedAt, stale).SetProperty(column => column.ClaimToken, deadRun));
        }
        // The safety-net job finds the abandoned claim; a second run of the delivery job finds nothing left to send.
        await app.Services.GetRequiredService<JobRunner>().RunAsync("notifications:deliver-due", CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverNotificationJob>().RunAsync(id, CancellationToken.None);
        }

        Assert.That(await DeliveryStatusAsync(user), Is.EqualTo("sent"));
        Assert.That(google.MessagesTo(token), Is.EqualTo(1));
    }

    /// <summary>
    /// Rows whose delivery was never scheduled (the process stopped between storing and scheduling): the safety net
    /// sends one that is overdue, and leaves one older than the delivery deadline, which it no longer reads at all.
    /// </summary>
    [Test]
    public async Task DeliverDue_SendsAnOverdueRow_AndLeavesOnePastTheDeliveryDeadline()
    {
        // Two users, so the overdue row's run (which takes every due push row of its user) cannot take the other.
        var (recent, old) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var tokens = new Dictionary<Guid, string>();
        foreach (var (id, age) in new[] { (recent, TimeSpan.FromMinutes(2)), (old, TimeSpan.FromHours(2)) })
        {
            var user = await app.SignInAsync();
            tokens[id] = $"due-{Guid.NewGuid():N}";
            await user.PostAsJsonAsync("/api/devices", new { token = tokens[id], platform = "android" });
            await using var scope = app.Services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Notifications.Data.NotificationsDbContext>();
            var device = await database.Devices.SingleAsync(candidate => candidate.Token == tokens[id]);
            var at = DateTime.UtcNow - age;
            database.Notifications.Add(new StockAlerts.Modules.Notifications.Data.NotificationRecord
            {
                Id = id, UserId = device.UserId, FiringId = Guid.NewGuid(), RuleId = Guid.NewGuid(), Symbol = "AAPL", Price = 310m, Level = 305m,
                Kind = "CrossesAbove", Title = "AAPL", Body = $"AAPL crossed 305, {age} ago", CreatedAt = at,
                Deliveries = [new() { Id = Guid.CreateVersion7(), NotificationId = id, UserId = device.UserId, Channel = "push", Target = device.Id.ToString(), Status = "pending", CreatedAt = at }],
            });
            await database.SaveChangesAsync();
        }

        await app.Services.GetRequiredService<JobRunner>().RunAsync("notifications:deliver-due", CancellationToken.None);

        Assert.That(google.MessagesTo(tokens[recent]), Is.EqualTo(1), "the overdue row went out, once");
        Assert.That(google.MessagesTo(tokens[old]), Is.EqualTo(0), "two hours late is past the deadline (an hour): not sent");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Notifications.Data.NotificationsDbContext>();
            Assert.That(await database.Deliveries.Where(delivery => delivery.NotificationId == old).Select(delivery => delivery.Status).SingleAsync(), Is.EqualTo("pending"));
        }
    }

    [Test]
    public async Task APushSentByARunThatThenLostTheDatabase_IsRecordedAsSent_NotPushedAgain()
    {
        var user = await app.SignInAsync();
        var token = $"lost-save-{Guid.NewGuid():N}";
        await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" });
        await CreateRuleAsync(user, new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 305 }, channels = new[] { "push" } });
        await PricesAsync(300m, 310m);
        var id = Guid.Parse((await LatestNotificationAsync(user)).GetProperty("id").GetString()!);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverNotificationJob>().RunAsync(id, CancellationToken.None);
        }
        Assert.That(google.MessagesTo(token), Is.EqualTo(1));

        // As if the database went away right after FCM accepted the push: the row's save is lost, it stays claimed.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<StockAlerts.Modules.Notifications.Data.NotificationsDbContext>();
            var stale = DateTime.UtcNow.AddMinutes(-10);
            Guid? deadRun = Guid.NewGuid();
            await database.Deliveries.Where(delivery => delivery.NotificationId == id)
                .ExecuteUpdateAsync(delivery => delivery.SetProperty(column => column.Status, "sending").SetProperty(column => column.ClaimedAt, stale)
                    .SetProperty(column => column.ClaimToken, deadRun).SetProperty(column => column.DeliveredAt, (DateTime?)null));
        }
        await app.Services.GetRequiredService<JobRunner>().RunAsync("notifications:deliver-due", CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DeliverNotificationJob>().RunAsync(id, CancellationToken.None);
        }

        Assert.That(await DeliveryStatusAsync(user), Is.EqualTo("sent"));
        Assert.That(google.MessagesTo(token), Is.EqualTo(1), "the phone got it once");
    }

    private static async Task<JsonElement> LatestNotificationAsync(HttpClient user)
    {
        var id = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items")[0].GetProperty("id").GetString();
        return await user.GetFromJsonAsync<JsonElement>($"/api/notifications/{id}");
    }

    private static async Task<List<Guid>> NotificationIdsAsync(HttpClient user) =>
        (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid()).ToList();

    private static async Task<string?> DeliveryStatusAsync(HttpClient user)
    {
        var list = await user.GetFromJsonAsync<JsonElement>("/api/notifications");
        if (list.GetProperty("items").GetArrayLength() == 0)
        {
            return null;
        }
        return (await LatestNotificationAsync(user)).GetProperty("deliveries")[0].GetProperty("status").GetString();
    }

    private async Task PricesAsync(params decimal[] prices)
    {
        foreach (var price in prices)
        {
            aapl = price;
            await app.Services.RunAndStoreAsync("prices:poll:finnhub");
        }
    }

    private static async Task<string> CreateRuleAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/alerts", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task WaitForAsync(Func<bool> done) => WaitForAsync(() => Task.FromResult(done()));

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        // Generous: delayed Hangfire jobs are picked up by a poller, and the whole suite shares two cores.
        for (var attempt = 0; attempt < 300 && !await done(); attempt++)
        {
            await Task.Delay(100);
        }
    }
}
