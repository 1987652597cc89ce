using System.Net;
using System.Net.Http.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class RateLimitTests
{
    [Test]
    public async Task TooManyLogins_Get429WithRetryAfter_WhileHealthStaysOpen()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["RateLimits:AuthPerMinute"] = "5" });
        var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.com", password = "Wrong-Horse-1" });
            statuses.Add(last.StatusCode);
        }
        var health = await client.GetAsync("/health/live");

        Assert.That(statuses.Take(5), Has.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(statuses.Skip(5), Has.All.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(last!.Headers.RetryAfter, Is.Not.Null);
        Assert.That(last.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ASignedInUser_BeyondTheirLimit_Gets429_WhileAnotherUserIsServed()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["RateLimits:PerUserPerMinute"] = "10" });
        var busy = await app.SignInAsync();
        var calm = await app.SignInAsync();

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            statuses.Add((await busy.GetAsync("/api/instruments")).StatusCode);
        }
        var other = await calm.GetAsync("/api/instruments");

        Assert.That(statuses, Has.Some.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(statuses.Take(9), Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
