using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class ProxyAndHttpsTests
{
    [Test]
    public async Task BehindAKnownProxy_ThePerAddressLimit_CountsEachForwardedClientApart()
    {
        await using var app = await StartBehindProxyAsync(knownProxy: "127.0.0.1");
        var client = app.CreateClient();

        var first = await StatusesAsync(client, "203.0.113.10", 4);
        var other = await StatusesAsync(client, "203.0.113.20", 1);

        Assert.That(first.Take(3), Has.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(first[3], Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(other, Has.All.EqualTo(HttpStatusCode.NotFound), "another client behind the same proxy has its own limit");
    }

    [Test]
    public async Task FromAPeerThatIsNotAKnownProxy_ForwardedHeadersAreIgnored()
    {
        await using var app = await StartBehindProxyAsync(knownProxy: "10.0.0.5");
        var client = app.CreateClient();

        await StatusesAsync(client, "203.0.113.10", 3);
        var other = await StatusesAsync(client, "203.0.113.20", 1);

        Assert.That(other, Has.All.EqualTo(HttpStatusCode.TooManyRequests), "a forged X-Forwarded-For must not buy a fresh limit");
    }

    [Test]
    public void ForwardedHeadersEnabled_WithoutAKnownProxy_StopsStartupNamingTheSetting()
    {
        var exception = Assert.CatchAsync(async () => await (await TestApp.StartAsync(StorageKind.Sqlite,
            new Dictionary<string, string?> { ["ForwardedHeaders:Enabled"] = "true" })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("ForwardedHeaders:KnownProxies").And.Contain("ForwardedHeaders__KnownProxies__0"));
    }

    [Test]
    public async Task HttpsRedirect_SendsPlainHttpToHttps_ExceptHealth_AndBelievesTheProxysScheme()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
        {
            ["Https:Redirect"] = "true",
            ["Https:Port"] = "443",
            ["ForwardedHeaders:Enabled"] = "true",
            ["ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
        }, services => services.AddSingleton<IStartupFilter>(new PeerAddress(IPAddress.Loopback)));
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://alerts.example.com"), AllowAutoRedirect = false });

        var plain = await client.GetAsync("/api/instruments?page=2");
        var health = await client.GetAsync("/health/live");
        var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/api/instruments");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        var forwarded = await client.SendAsync(viaProxy);

        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        Assert.That(plain.Headers.Location, Is.EqualTo(new Uri("https://alerts.example.com/api/instruments?page=2")));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(forwarded.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "TLS ended at the proxy: no redirect");
    }

    [Test]
    public async Task Hsts_IsSentOverHttps_OnlyWhenTurnedOn()
    {
        await using var on = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Https:Hsts"] = "true" });
        await using var off = await TestApp.StartAsync(StorageKind.Sqlite);
        var https = new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://alerts.example.com") };

        var withHsts = await on.CreateClient(https).GetAsync("/health/live");
        var overHttp = await on.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://alerts.example.com") }).GetAsync("/health/live");
        var byDefault = await off.CreateClient(https).GetAsync("/health/live");
        var noRedirect = await off.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync("/api/no-such-thing");

        Assert.That(withHsts.Headers.GetValues("Strict-Transport-Security").Single(), Is.EqualTo("max-age=31536000"));
        Assert.That(overHttp.Headers.Contains("Strict-Transport-Security"), Is.False);
        Assert.That(byDefault.Headers.Contains("Strict-Transport-Security"), Is.False);
        Assert.That(noRedirect.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no HTTPS redirect unless configured");
    }

    private static Task<TestApp> StartBehindProxyAsync(string knownProxy) =>
        TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
        {
            ["ForwardedHeaders:Enabled"] = "true",
            ["ForwardedHeaders:KnownProxies:0"] = knownProxy,
            ["RateLimits:PerAddressPerMinute"] = "3",
        }, services => services.AddSingleton<IStartupFilter>(new PeerAddress(IPAddress.Loopback)));

    private static async Task<List<HttpStatusCode>> StatusesAsync(HttpClient client, string forwardedFor, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < count; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        return statuses;
    }

    /// <summary>The test server has no peer address; a real proxy would connect from this one.</summary>
    private sealed class PeerAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
