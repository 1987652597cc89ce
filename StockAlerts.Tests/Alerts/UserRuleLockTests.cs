using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// A user's rule writes take a named lock on MariaDB (cap and duplicate checks). When another session keeps it past
/// the wait, the write is refused as "briefly unavailable" (503 with Retry-After) and changes nothing, and the next
/// try after the lock is free succeeds. The cluster fault test saw these as 500s during a Redis outage.
/// </summary>
public sealed class UserRuleLockTests
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(StorageKind.MariaDb);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task ARuleWriteThatCannotTakeTheUsersLock_Answers503WithRetryAfter_AndTheNextTrySucceeds()
    {
        var user = await app.SignInAsync();
        var first = await CreateAsync(user, 101m);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var ruleId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        string userId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            userId = await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Rules.Where(rule => rule.Id == ruleId).Select(rule => rule.UserId).SingleAsync();
        }

        await using var other = new MySqlConnection(app.Settings["ConnectionStrings:Database"]);
        await other.OpenAsync();
        await using (var take = new MySqlCommand("SELECT GET_LOCK(@name, 0)", other))
        {
            take.Parameters.AddWithValue("@name", UserRuleLock.NameFor(userId));
            Assert.That(await take.ExecuteScalarAsync(), Is.EqualTo(1L), "the test holds the user's lock");
        }
        var refused = await CreateAsync(user, 102m);
        await using (var release = new MySqlCommand("SELECT RELEASE_LOCK(@name)", other))
        {
            release.Parameters.AddWithValue("@name", UserRuleLock.NameFor(userId));
            await release.ExecuteScalarAsync();
        }
        var retried = await CreateAsync(user, 102m);

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(refused.Headers.RetryAfter, Is.Not.Null);
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), "nothing of the refused write was kept (no duplicate)");
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient user, decimal level) =>
        user.PostAsJsonAsync("/api/alerts", new { symbol = "AAPL", condition = new { type = "above", level }, channels = new[] { "live" } });
}
