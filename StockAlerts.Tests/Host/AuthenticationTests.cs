using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Identity;

namespace StockAlerts.Tests.Host;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class AuthenticationTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task Register_ThenLogin_GivesTokensThatTheApiAccepts()
    {
        var client = app.CreateClient();
        var email = $"alice-{Guid.NewGuid():N}@example.com";

        var registered = await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Correct-Horse-42" });
        var tokens = await login.Content.ReadFromJsonAsync<TestApp.TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens!.AccessToken);
        var info = await client.GetFromJsonAsync<JsonElement>("/api/account");

        Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(tokens.TokenType, Is.EqualTo("Bearer"));
        Assert.That(tokens.RefreshToken, Is.Not.Empty);
        Assert.That(info.GetProperty("email").GetString(), Is.EqualTo(email));
    }

    [Test]
    public async Task ProtectedEndpoint_WithoutToken_Returns401()
    {
        var response = await app.CreateClient().GetAsync("/api/account");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task ProtectedEndpoint_WithForgedToken_Returns401()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "CfDJ8-not-a-real-token");

        var response = await client.GetAsync("/api/account");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Register_WithInvalidFields_Returns400WithFieldErrors_AndCreatesNoUser()
    {
        var usersBefore = await CountUsersAsync();

        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = "not-an-email", password = "" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("errors").TryGetProperty("email", out _), Is.True);
        Assert.That(problem.GetProperty("errors").TryGetProperty("password", out _), Is.True);
        Assert.That(await CountUsersAsync(), Is.EqualTo(usersBefore));
    }

    [Test]
    public async Task Register_WithBodyThatIsNotJson_Returns400ProblemDetails()
    {
        var response = await app.CreateClient().PostAsync("/api/auth/register",
            new StringContent("{\"email\":", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Register_WithWeakPassword_Returns400NamingTheRule_AndCreatesNoUser()
    {
        var email = $"weak-{Guid.NewGuid():N}@example.com";

        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = "short" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").TryGetProperty("password", out _), Is.True);
        Assert.That(await FindUserAsync(email), Is.Null);
    }

    [Test]
    public async Task Register_WithEmailAlreadyTaken_IsRefused()
    {
        var email = $"twice-{Guid.NewGuid():N}@example.com";
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" });

        var again = await client.PostAsJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = "Other-Horse-43" });
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.GetProperty("errors").TryGetProperty("email", out _), Is.True);
    }

    [Test]
    public async Task Login_WithWrongPassword_Returns401()
    {
        var email = $"bob-{Guid.NewGuid():N}@example.com";
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" });

        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-Horse-42" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Refresh_WithRefreshToken_GivesANewAccessToken()
    {
        var email = $"carol-{Guid.NewGuid():N}@example.com";
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" });
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Correct-Horse-42" }))
            .Content.ReadFromJsonAsync<TestApp.TokenResponse>();

        var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login!.RefreshToken });
        var tokens = await refreshed.Content.ReadFromJsonAsync<TestApp.TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens!.AccessToken);

        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/api/account")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task<int> CountUsersAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UsersDbContext>().Users.CountAsync();
    }

    private async Task<IdentityUser?> FindUserAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email);
    }
}
