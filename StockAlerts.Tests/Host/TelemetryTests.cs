using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// The metrics the modules record, read back from the app's own meter while a real price poll, firing and push go
/// through it; and the Prometheus endpoint, which only admins and the scrape token may read.
/// </summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    private const string Admin = "metrics-admin@example.com";
    private const string Password = "Correct-Horse-42";
    private const string ScrapeToken = "scrape-0123456789abcdef0123456789abcdef";
    private ServiceAccountKey key = null!;
    private FakeGoogleServer google = null!;
    private FakeQuoteServer quotes = null!;
    private readonly LogRecorder logs = new();
    private TestApp app = null!;
    private decimal aapl = 100m;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        key = new ServiceAccountKey();
        google = await FakeGoogleServer.StartAsync(key);
        quotes = await FakeQuoteServer.StartAsync();
        app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
        {
            ["Firebase:CredentialsPath"] = key.WriteFile(google.TokenUri),
            ["Firebase:BaseUrl"] = google.BaseUrl,
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:finnhub:ApiKey"] = "finnhub-key",
            ["Prices:Providers:finnhub:BaseUrl"] = quotes.BaseUrl + "/finnhub",
            ["Prices:Providers:finnhub:MaxSymbolsPerRun"] = "20",
            ["Notifications:LiveAckGraceSeconds"] = "0",
            ["Telemetry:Prometheus"] = "true",
            ["Telemetry:ScrapeToken"] = ScrapeToken,
            ["Admin:Emails:0"] = Admin,
        }, services => services.AddSingleton<ILoggerProvider>(logs));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await app.DisposeAsync();
        await google.DisposeAsync();
        await quotes.DisposeAsync();
        key.Dispose();
    }

    [SetUp]
    public async Task ResetAsync()
    {
        quotes.Finnhub = request => FakeResponse.FinnhubQuote(request.Query["symbol"] == "AAPL" ? aapl : 50m, 99m, 98m, FakeQuoteServer.Timestamp);
        // A provider paused by a rate-limit test must not skip the next test's polls.
        var store = app.Services.GetRequiredService<IQuoteStore>();
        foreach (var status in await store.GetProviderStatusesAsync(CancellationToken.None))
        {
            await store.SaveProviderStatusAsync(status with { PausedUntil = null, LastErrorCode = null, ErrorKind = null }, CancellationToken.None);
        }
    }

    [Test]
    public async Task APricePoll_CountsEveryQuoteItIngests_UnderItsProvider()
    {
        using var metrics = new MetricRecorder(app);
        var requestsBefore = quotes.Requests.Count;

        await PricesAsync(101m);
        var requests = quotes.Requests.Count - requestsBefore;

        Assert.That(requests, Is.GreaterThan(0));
        Assert.That(metrics.Sum("stockalerts.prices.ticks", "provider=finnhub"), Is.EqualTo(requests), "one quote per Finnhub request");
        Assert.That(metrics.Of("stockalerts.prices.ticks").Select(measurement => measurement.Tags.Single()).Distinct(), Is.EqualTo(new[] { "provider=finnhub" }));
        Assert.That(metrics.Of("stockalerts.prices.provider.errors"), Is.Empty);
    }

    [Test]
    public async Task AProviderAnswering429_CountsOneErrorWithItsCodeAndKind()
    {
        using var metrics = new MetricRecorder(app);
        quotes.Finnhub = _ => FakeResponse.FinnhubLimitReached();

        await PricesAsync(aapl);

        var throttled = logs.Entries.Where(entry => entry.Message.Contains("throttled by the provider", StringComparison.Ordinal)).ToList();

        Assert.That(metrics.Sum("stockalerts.prices.provider.errors", "provider=finnhub", "code=http 429", "kind=RateLimited"), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.prices.ticks"), Is.Zero);
        Assert.That(throttled, Has.Count.EqualTo(1), "one structured line per throttle");
        Assert.That(throttled[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(throttled[0].Fields["Provider"], Is.EqualTo("finnhub"));
        Assert.That(throttled[0].Fields["Code"], Is.EqualTo("http 429"));
        Assert.That(throttled[0].Fields, Does.ContainKey("PausedUntil"));
    }

    [Test]
    public async Task ARuleFiringSixteenTimesInThreeMinutes_IsCountedAsARunawayStopOnce()
    {
        var user = await app.SignInAsync();
        await PricesAsync(3000m);
        var created = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "AAPL",
            condition = new { type = "crossesAbove", level = 3005 },
            frequency = new { type = "everyTime", cooldownSeconds = 0 },
            channels = new[] { "live" },
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        using var metrics = new MetricRecorder(app);

        for (var crossing = 0; crossing < 17; crossing++)
        {
            await PricesAsync(3010m);
            await PricesAsync(3000m);
        }

        Assert.That(metrics.Sum("stockalerts.alerts.firings"), Is.EqualTo(16), "the 16th firing pauses the rule; the 17th crossing fires nothing");
        Assert.That(metrics.Sum("stockalerts.alerts.runaway_stops"), Is.EqualTo(1));
    }

    [Test]
    public async Task AFiredRule_CountsTheFiring_TheNotification_AndEachDeliveryByChannelAndOutcome()
    {
        var user = await app.SignInAsync();
        var token = $"device-{Guid.NewGuid():N}";
        (await user.PostAsJsonAsync("/api/devices", new { token, platform = "android" })).EnsureSuccessStatusCode();
        await PricesAsync(100m);
        var created = await user.PostAsJsonAsync("/api/alerts", new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 105 }, channels = new[] { "push", "live" } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        using var metrics = new MetricRecorder(app);

        await PricesAsync(110m);
        await WaitForAsync(() => metrics.Sum("stockalerts.notifications.deliveries", "channel=push") >= 1);

        Assert.That(google.MessagesTo(token), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.alerts.firings"), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.alerts.rules.evaluated"), Is.GreaterThanOrEqualTo(1));
        Assert.That(metrics.Of("stockalerts.alerts.evaluation.duration"), Has.Count.EqualTo(1), "one price batch, one evaluation");
        // The evaluating thread's own CPU clock: something, and never more than the wall time around the same work.
        Assert.That(metrics.Of("stockalerts.alerts.evaluation.cpu"), Has.Count.EqualTo(1));
        Assert.That(metrics.Of("stockalerts.alerts.evaluation.cpu").Single().Value,
            Is.GreaterThan(0).And.LessThanOrEqualTo(metrics.Of("stockalerts.alerts.evaluation.duration").Single().Value + 0.0005));
        // The batch's outcome through the writer, once: from judged to committed and published, after the evaluation.
        Assert.That(metrics.Of("stockalerts.alerts.store.delay"), Has.Count.EqualTo(1));
        Assert.That(metrics.Of("stockalerts.alerts.store.delay").Single().Value, Is.GreaterThan(0));
        Assert.That(metrics.Sum("stockalerts.notifications.created"), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.notifications.deliveries", "channel=live", "outcome=sent"), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.notifications.deliveries", "channel=push", "outcome=sent"), Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.notifications.deliveries", "outcome=failed"), Is.Zero);
        Assert.That(metrics.Of("stockalerts.notifications.fcm.duration").Select(measurement => measurement.Tags.Single()), Is.EqualTo(new[] { "outcome=sent" }));
        Assert.That(metrics.Of("stockalerts.notifications.fcm.duration").Single().Value, Is.GreaterThan(0));
    }

    [Test]
    public async Task OpenHubConnections_AreCountedPerHub_AndUncountedWhenClosed()
    {
        using var metrics = new MetricRecorder(app);
        var user = await app.SignInAsync();

        var prices = await HubClients.ConnectAsync(app, user, "/hubs/prices");
        await using var notifications = await HubClients.ConnectAsync(app, user, "/hubs/notifications");
        await WaitForAsync(() => metrics.Sum("stockalerts.signalr.connections", "hub=prices") == 1 && metrics.Sum("stockalerts.signalr.connections", "hub=notifications") == 1);
        var whileOpen = metrics.Sum("stockalerts.signalr.connections", "hub=prices");
        await prices.DisposeAsync();
        await WaitForAsync(() => metrics.Sum("stockalerts.signalr.connections", "hub=prices") == 0);

        Assert.That(whileOpen, Is.EqualTo(1));
        Assert.That(metrics.Sum("stockalerts.signalr.connections", "hub=prices"), Is.Zero);
        Assert.That(metrics.Sum("stockalerts.signalr.connections", "hub=notifications"), Is.EqualTo(1));
    }

    [Test]
    public async Task MetricsEndpoint_Anonymous_Returns401()
    {
        var response = await app.CreateClient().GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task MetricsEndpoint_WithAWrongScrapeToken_Returns401()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken + "x");

        var response = await client.GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task MetricsEndpoint_SignedInNonAdmin_Returns403()
    {
        var user = await app.SignInAsync();

        var response = await user.GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task MetricsEndpoint_Admin_GetsThePrometheusText()
    {
        var admin = app.CreateClient();
        await admin.PostAsJsonAsync("/api/auth/register", new { email = Admin, password = Password });
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(admin, Admin, Password));
        await PricesAsync(aapl + 1);

        var body = await ScrapeAsync(admin);

        Assert.That(body, Does.Contain("stockalerts_prices_ticks_total{").And.Contain("provider=\"finnhub\""));
        Assert.That(body, Does.Contain("http_server_request_duration_seconds"), "ASP.NET Core's own metrics are exported too");
    }

    [Test]
    public async Task MetricsEndpoint_WithTheScrapeToken_GetsThePrometheusText()
    {
        var scraper = app.CreateClient();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken);
        await PricesAsync(aapl + 1);

        var body = await ScrapeAsync(scraper);

        Assert.That(body, Does.Contain("stockalerts_prices_ticks_total{"));
    }

    /// <summary>The exporter caches a scrape for a moment, so a first answer may predate the last poll.</summary>
    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var body = "";
        for (var attempt = 0; attempt < 20 && !body.Contains("stockalerts_prices_ticks_total", StringComparison.Ordinal); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(200);
            }
            var response = await client.GetAsync("/metrics");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            body = await response.Content.ReadAsStringAsync();
        }
        return body;
    }

    private async Task PricesAsync(decimal price)
    {
        aapl = price;
        await app.Services.RunAndStoreAsync("prices:poll:finnhub");
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 300 && !done(); attempt++)
        {
            await Task.Delay(100);
        }
    }
}
