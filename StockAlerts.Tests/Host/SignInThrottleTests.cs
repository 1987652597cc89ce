using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// Wrong passwords are throttled per account and client address, so an attacker who knows an email cannot lock its
/// owner out (an account lockout after 10 failures let anyone do that), and an unknown email answers exactly like a
/// wrong password. The service runs as its own process behind a trusted proxy address, so that X-Forwarded-For
/// gives the attacker and the owner different addresses, as they would have; on MariaDB + Redis the count is shared.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class SignInThrottleTests(StorageKind storage)
{
    private const string Password = "Correct-Horse-42";
    private HostProcess host = null!;
    private string folder = null!;
    private string? database;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        folder = Directory.CreateTempSubdirectory("stockalerts-throttle-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Path.Combine(folder, "data"),
            ["ForwardedHeaders__Enabled"] = "true",
            ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__AuthPerMinute"] = "1000",
            ["Prices__Providers__simulated__Enabled"] = "false",
        };
        if (storage == StorageKind.MariaDb)
        {
            database = await TestServers.MariaDb.CreateDatabaseAsync();
            environment["Database__Provider"] = "MySql";
            environment["ConnectionStrings__Database"] = database;
            environment["ConnectionStrings__Redis"] = $"{TestServers.Redis.ConnectionString},defaultDatabase=0";
        }
        host = HostProcess.Start($"throttle-{storage}", environment);
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await host.DisposeAsync();
        if (database is not null)
        {
            await TestServers.MariaDb.DropDatabaseAsync(database);
        }
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    [Test]
    public async Task AnAttackerGuessing_IsSlowedDown_WhileTheOwnerStillSignsIn()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        using var http = host.CreateClient();
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();

        var guesses = new List<HttpResponseMessage>();
        for (var guess = 0; guess < 12; guess++)
        {
            guesses.Add(await LoginAsync(http, "203.0.113.7", email, $"Guess-{guess}-Horse"));
        }
        var attackerWithThePassword = await LoginAsync(http, "203.0.113.7", email, Password);
        var owner = await LoginAsync(http, "198.51.100.9", email, Password);
        var otherAccountFromTheAttacker = await LoginAsync(http, "203.0.113.7", $"nobody-{Guid.NewGuid():N}@example.com", "Guess-Horse-1");

        Assert.That(guesses.Take(5).Select(response => response.StatusCode), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(guesses.Skip(5).Select(response => response.StatusCode), Is.All.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(guesses[^1].Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThan(60).And.LessThanOrEqualTo(15 * 60));
        Assert.That(attackerWithThePassword.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "guessing right after the limit does not help");
        Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the owner is not locked out by someone else's guesses");
        Assert.That(otherAccountFromTheAttacker.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task AnUnknownEmail_AnswersExactlyLikeAWrongPassword()
    {
        var email = $"known-{Guid.NewGuid():N}@example.com";
        using var http = host.CreateClient();
        (await http.PostAsJsonAsync("/api/auth/register", new { email, password = Password })).EnsureSuccessStatusCode();

        var wrongPassword = await LoginAsync(http, "192.0.2.44", email, "Wrong-Horse-1");
        var unknownEmail = await LoginAsync(http, "192.0.2.44", $"unknown-{Guid.NewGuid():N}@example.com", "Wrong-Horse-1");

        Assert.That(unknownEmail.StatusCode, Is.EqualTo(wrongPassword.StatusCode));
        Assert.That(await BodyWithoutTraceAsync(unknownEmail), Is.EqualTo(await BodyWithoutTraceAsync(wrongPassword)));
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string address, string email, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await http.SendAsync(request);
    }

    private static async Task<string> BodyWithoutTraceAsync(HttpResponseMessage response)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.Content.ReadAsStringAsync())!;
        body.Remove("traceId");
        return JsonSerializer.Serialize(body);
    }
}
