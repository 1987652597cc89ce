using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Identity;

namespace StockAlerts.Tests.Host;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class HostBehaviourTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task HealthLive_Answers200WithJson()
    {
        var response = await app.CreateClient().GetAsync("/health/live");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task HealthReady_ReportsEachStoreItUses()
    {
        var response = await app.CreateClient().GetAsync("/health/ready");
        var checks = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(checks.GetProperty("database").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(checks.TryGetProperty("redis", out var redis), Is.EqualTo(storage == StorageKind.MariaDb));
        Assert.That(checks.TryGetProperty("cluster", out _), Is.True, "who evaluates which rules, alone or in a cluster");
        if (storage == StorageKind.MariaDb)
        {
            Assert.That(redis.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        }
    }

    [Test]
    public async Task UnknownApiRoute_Returns404ProblemDetails()
    {
        var response = await app.CreateClient().GetAsync("/api/no-such-thing");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(404));
    }

    [Test]
    public async Task OpenApiDocument_DescribesTheAuthEndpointsAndBearerScheme()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.That(paths.TryGetProperty("/api/auth/register", out _), Is.True);
        Assert.That(paths.TryGetProperty("/api/auth/login", out _), Is.True);
        Assert.That(paths.TryGetProperty("/api/auth/refresh", out _), Is.True);
        Assert.That(document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        Assert.That(paths.GetProperty("/api/account").GetProperty("get").TryGetProperty("security", out _), Is.True);
        Assert.That(paths.GetProperty("/api/auth/login").GetProperty("post").TryGetProperty("security", out _), Is.False);
    }

    [Test]
    public async Task ApiReferencePage_IsServed()
    {
        var response = await app.CreateClient().GetAsync("/scalar/v1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("openapi/v1.json").Or.Contain("StockAlerts"));
    }

    [Test]
    public async Task UnexpectedFailure_Returns500ProblemDetails_WithoutStackTrace()
    {
        // A real fault rather than a planted one: the users table vanishes under the running service.
        await RenameTableAsync("AspNetUsers", "broken_users");
        try
        {
            var response = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.com", password = "Correct-Horse-42" });
            var text = await response.Content.ReadAsStringAsync();

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(text, Does.Not.Contain(" at ").And.Not.Contain("Exception").And.Not.Contain("broken"));
        }
        finally
        {
            await RenameTableAsync("broken_users", "AspNetUsers");
        }
    }

    private async Task RenameTableAsync(string from, string to)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sql = "ALTER TABLE " + from + " RENAME TO " + to;
        await scope.ServiceProvider.GetRequiredService<UsersDbContext>().Database.ExecuteSqlRawAsync(sql);
    }
}
