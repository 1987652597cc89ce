using System.Net;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class CorsTests
{
    private const string AllowedOrigin = "https://app.example.com";
    private TestApp withOrigins = null!;
    private TestApp withoutOrigins = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        withOrigins = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = AllowedOrigin + "/" });
        withoutOrigins = await TestApp.StartAsync(StorageKind.Sqlite);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await withOrigins.DisposeAsync();
        await withoutOrigins.DisposeAsync();
    }

    [Test]
    public async Task Preflight_FromAnAllowedOrigin_IsAllowedForTheApi_WithoutCredentials()
    {
        var response = await PreflightAsync(withOrigins, "/api/alerts", AllowedOrigin);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(AllowedOrigin));
        Assert.That(Header(response, "Access-Control-Allow-Methods"), Does.Contain("POST"));
        Assert.That(Header(response, "Access-Control-Allow-Headers"), Does.Contain("authorization").IgnoreCase);
        Assert.That(Header(response, "Access-Control-Allow-Credentials"), Is.Null);
    }

    [Test]
    public async Task Preflight_ToTheHubs_FromAnAllowedOrigin_AllowsCredentials()
    {
        var response = await PreflightAsync(withOrigins, "/hubs/prices/negotiate?negotiateVersion=1", AllowedOrigin);

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(AllowedOrigin));
        Assert.That(Header(response, "Access-Control-Allow-Credentials"), Is.EqualTo("true"));
    }

    [Test]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders()
    {
        var api = await PreflightAsync(withOrigins, "/api/alerts", "https://evil.example.net");
        var hubs = await PreflightAsync(withOrigins, "/hubs/prices/negotiate?negotiateVersion=1", "https://evil.example.net");

        Assert.That(Header(api, "Access-Control-Allow-Origin"), Is.Null);
        Assert.That(Header(hubs, "Access-Control-Allow-Origin"), Is.Null);
        Assert.That(Header(hubs, "Access-Control-Allow-Credentials"), Is.Null);
    }

    [Test]
    public async Task ARequestFromAnAllowedOrigin_CanReadRetryAfter()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("Origin", AllowedOrigin);

        var response = await withOrigins.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.EqualTo(AllowedOrigin));
        Assert.That(Header(response, "Access-Control-Expose-Headers"), Does.Contain("Retry-After"));
    }

    [Test]
    public async Task WithoutAllowedOrigins_NoOriginGetsCorsHeaders()
    {
        var response = await PreflightAsync(withoutOrigins, "/api/alerts", AllowedOrigin);

        Assert.That(Header(response, "Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public void AnAllowedOriginWithAPath_StopsStartupNamingTheSetting()
    {
        var exception = Assert.CatchAsync(async () => await (await TestApp.StartAsync(StorageKind.Sqlite,
            new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://app.example.com/app" })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("'Cors:AllowedOrigins:0' (environment variable Cors__AllowedOrigins__0)").And.Contain("Cors__AllowedOrigins__0=https://app.example.com"));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(TestApp app, string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await app.CreateClient().SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
