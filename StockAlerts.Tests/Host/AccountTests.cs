using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Identity;

namespace StockAlerts.Tests.Host;

/// <summary>Sessions that end when they should, and an account its owner can export and delete, leaving no part behind.</summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class AccountTests(StorageKind storage)
{
    private const string Password = "Correct-Horse-42";
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task Logout_EndsTheAccessTokenAndTheRefreshToken()
    {
        var (client, tokens) = await RegisterAndLoginAsync();

        var loggedOut = await client.PostAsync("/api/auth/logout", null);
        var afterwards = await client.GetAsync("/api/account");
        var refreshed = await app.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });

        Assert.That(loggedOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task ARefreshToken_WorksOnce_AndUsingItAgainEndsTheSession()
    {
        var (_, tokens) = await RegisterAndLoginAsync();
        var anonymous = app.CreateClient();

        var first = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        var next = await first.Content.ReadFromJsonAsync<TestApp.TokenResponse>();
        var replayed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        var nextAfterReplay = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = next!.RefreshToken });

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a refresh token used twice was copied");
        Assert.That(nextAfterReplay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "so the whole session ends, for the copy and the original");
    }

    [Test]
    public async Task ChangingThePassword_SignsOutEveryOtherDevice()
    {
        var email = NewEmail();
        var (phone, _) = await RegisterAndLoginAsync(email);
        var (laptop, laptopTokens) = await LoginAsync(email, Password);

        var changed = await phone.PostAsJsonAsync("/api/account/password", new { currentPassword = Password, newPassword = "Battery-Staple-77" });
        var wrong = await phone.PostAsJsonAsync("/api/account/password", new { currentPassword = "not-it", newPassword = "Battery-Staple-78" });
        var wrongProblem = await wrong.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await phone.GetAsync("/api/account")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the device that changed it stays signed in");
        Assert.That((await laptop.GetAsync("/api/account")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await app.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = laptopTokens.RefreshToken })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password = Password })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(wrongProblem.GetProperty("errors").TryGetProperty("currentPassword", out _), Is.True);
    }

    [Test]
    public async Task DeletingTheAccount_RemovesAllItsData_AndNothingOfAnotherUser()
    {
        var (doomed, _) = await RegisterAndLoginAsync();
        var (other, _) = await RegisterAndLoginAsync();
        var doomedRule = await GiveDataAsync(doomed, "EURUSD");
        var otherRule = await GiveDataAsync(other, "EURUSD");
        await PublishAsync("EURUSD", 1.30m, 1.20m);
        var doomedUser = (await doomed.GetFromJsonAsync<JsonElement>("/api/account")).GetProperty("id").GetString()!;
        var otherUser = (await other.GetFromJsonAsync<JsonElement>("/api/account")).GetProperty("id").GetString()!;
        await WaitForAsync(async () => await CountAsync(doomedUser) is { Notifications: > 0 } && await CountAsync(otherUser) is { Notifications: > 0 });

        var refused = await doomed.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/account") { Content = JsonContent.Create(new { password = "wrong" }) });
        var deleted = await doomed.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/account") { Content = JsonContent.Create(new { password = Password }) });
        var left = await CountAsync(doomedUser);
        var kept = await CountAsync(otherUser);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the password is checked again");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(left, Is.EqualTo(new DataCounts(0, 0, 0, 0, 0, 0, 0)), "nothing of the deleted user is left");
        Assert.That(kept.Rules, Is.EqualTo(1));
        Assert.That(kept.Firings, Is.EqualTo(1));
        Assert.That(kept.Notifications, Is.EqualTo(1));
        Assert.That(kept.Devices, Is.EqualTo(1));
        Assert.That(kept.Preferences, Is.EqualTo(1));
        Assert.That((await doomed.GetAsync("/api/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await other.GetAsync($"/api/alerts/{otherRule}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(doomedRule, Is.Not.EqualTo(otherRule));
    }

    [Test]
    public async Task Export_HoldsTheUsersRulesNotificationsAndDevices_AndNoneOfAnotherUsers()
    {
        var (user, _) = await RegisterAndLoginAsync();
        var (other, _) = await RegisterAndLoginAsync();
        var ruleId = await GiveDataAsync(user, "GBPUSD");
        await GiveDataAsync(other, "GBPUSD");

        var export = await user.GetFromJsonAsync<JsonElement>("/api/account/export");

        Assert.That(export.GetProperty("alerts").GetProperty("rules").EnumerateArray().Select(rule => rule.GetProperty("id").GetString()), Is.EqualTo(new[] { ruleId }));
        Assert.That(export.GetProperty("notifications").GetProperty("devices").GetArrayLength(), Is.EqualTo(1));
        Assert.That(export.GetProperty("notifications").GetProperty("preferences").GetProperty("timeZone").GetString(), Is.EqualTo("Europe/Berlin"));
        Assert.That(export.GetProperty("account").GetProperty("email").GetString(), Does.EndWith("@example.com"));
    }

    [Test]
    public async Task ResetPasswordCommand_GivesANewPassword_AndSignsTheUserOutEverywhere()
    {
        var email = NewEmail();
        var (client, tokens) = await RegisterAndLoginAsync(email);

        var said = await UsersSetup.ResetPasswordAsync(app.Services, email, CancellationToken.None);
        var password = said.Split(": ")[1].Split(' ')[0];

        Assert.That((await client.GetAsync("/api/account")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await app.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password = Password })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("POST", "/api/auth/forgotPassword")]
    [TestCase("POST", "/api/auth/resetPassword")]
    [TestCase("POST", "/api/auth/resendConfirmationEmail")]
    [TestCase("GET", "/api/auth/confirmEmail?userId=x&code=y")]
    [TestCase("POST", "/api/auth/manage/2fa")]
    public async Task EmailFlowsThatCannotWork_AreNotOffered(string method, string path)
    {
        var (client, _) = await RegisterAndLoginAsync();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { email = "a@example.com" }) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<string> GiveDataAsync(HttpClient client, string symbol)
    {
        (await client.PostAsJsonAsync("/api/devices", new { token = $"device-{Guid.NewGuid():N}", platform = "android" })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/notifications/preferences", new { defaultChannels = new[] { "live" }, timeZone = "Europe/Berlin", digest = true })).EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/alerts", new { symbol, condition = new { type = "crossesAbove", level = 1.25 }, channels = new[] { "live" } });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task PublishAsync(string symbol, decimal price, decimal previous)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var now = DateTime.UtcNow;
        await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated([new PriceChange(symbol, previous, null, null, "test", now, now.AddSeconds(-1), null, null)]));
        await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated([new PriceChange(symbol, price, previous, now.AddSeconds(-1), "test", now, now, null, null)]));
        await scope.ServiceProvider.GetRequiredService<OutcomeWriter>().FlushAsync(CancellationToken.None);
    }

    private async Task<DataCounts> CountAsync(string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var alerts = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var notifications = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UsersDbContext>();
        return new DataCounts(
            await alerts.Rules.CountAsync(rule => rule.UserId == userId),
            await alerts.Firings.CountAsync(firing => firing.UserId == userId),
            await notifications.Notifications.CountAsync(item => item.UserId == userId),
            await notifications.Devices.CountAsync(device => device.UserId == userId),
            await notifications.Preferences.CountAsync(preferences => preferences.UserId == userId),
            await users.Users.CountAsync(user => user.Id == userId),
            await users.Sessions.CountAsync(session => session.UserId == userId));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(100);
        }
    }

    private async Task<(HttpClient Client, TestApp.TokenResponse Tokens)> RegisterAndLoginAsync(string? email = null)
    {
        email ??= NewEmail();
        (await app.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();
        return await LoginAsync(email, Password);
    }

    private async Task<(HttpClient Client, TestApp.TokenResponse Tokens)> LoginAsync(string email, string password)
    {
        var client = app.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var tokens = (await login.Content.ReadFromJsonAsync<TestApp.TokenResponse>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return (client, tokens);
    }

    private static string NewEmail() => $"account-{Guid.NewGuid():N}@example.com";

    private sealed record DataCounts(int Rules, int Firings, int Notifications, int Devices, int Preferences, int Users, int Sessions);
}
