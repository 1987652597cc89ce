using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Notifications.Webhooks;

public sealed class WebhookSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 7, 19, 0, 0, TimeSpan.Zero);
    private FakeWebhookReceiver receiver = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => receiver = await FakeWebhookReceiver.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await receiver.DisposeAsync();

    [SetUp]
    public void Reset() => receiver.Reset();

    [Test]
    public void Sign_IsLowercaseHexHmacSha256OfTimestampDotBodyWithThePrefix()
    {
        var signature = WebhookSender.Sign("whsec_test", 1767812400, """{"notificationId":"42","symbol":"AAPL"}""");

        Assert.That(signature, Is.EqualTo("sha256=1266511d74db74a87c9bcd30f67eb06272e7b2b03daef4dbd9ea20ff0e2e76ae"));
    }

    [Test]
    public async Task Send_ToAnAllowedTarget_PostsTheBodyWithASignatureThatVerifies()
    {
        var result = await WebhookHarness.SendAsync($"{receiver.BaseUrl}/hook", allowPrivateTargets: true, new FakeTimeProvider(Now));

        var webhook = receiver.Received.Single();
        var timestamp = long.Parse(webhook.Headers[WebhookSender.TimestampHeader], CultureInfo.InvariantCulture);
        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Delivered));
        Assert.That(result.StatusCode, Is.EqualTo(200));
        Assert.That(webhook.Path, Is.EqualTo("/hook"));
        Assert.That(webhook.Body, Is.EqualTo(WebhookHarness.Body));
        Assert.That(timestamp, Is.EqualTo(Now.ToUnixTimeSeconds()));
        Assert.That(webhook.Headers[WebhookSender.SignatureHeader], Is.EqualTo(WebhookSender.Sign(WebhookHarness.Secret, timestamp, webhook.Body)));
        Assert.That(webhook.Headers[WebhookSender.IdempotencyKeyHeader], Is.EqualTo(WebhookHarness.NotificationId));
        Assert.That(webhook.Headers["Content-Type"], Does.StartWith("application/json"));
    }

    [Test]
    public async Task Send_ToLoopbackWhenPrivateTargetsAreNotAllowed_IsRefusedAtConnectTimeAndNothingArrives()
    {
        var port = new Uri(receiver.BaseUrl).Port;

        var result = await WebhookHarness.SendAsync($"https://127.0.0.1:{port}/hook", allowPrivateTargets: false);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Refused));
        Assert.That(result.Detail, Does.Contain("127.0.0.1"));
        Assert.That(receiver.Received, Is.Empty);
    }

    [Test]
    public async Task Send_ToAHostNameThatResolvesToLoopback_IsRefusedAfterResolvingIt()
    {
        var port = new Uri(receiver.BaseUrl).Port;

        var result = await WebhookHarness.SendAsync($"https://localhost:{port}/hook", allowPrivateTargets: false);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Refused));
        Assert.That(receiver.Received, Is.Empty);
        Assert.That(result.Detail, Does.Contain("not a public address"));
        Assert.That(result.Detail, Does.Not.Contain("127.0.0.1").And.Not.Contain("::1"), "the owner of a rule learns nothing of the service's network");
    }

    [Test]
    public async Task Send_OverHttpWhenPrivateTargetsAreNotAllowed_IsRefusedWithoutConnecting()
    {
        var result = await WebhookHarness.SendAsync($"{receiver.BaseUrl}/hook", allowPrivateTargets: false);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Refused));
        Assert.That(result.StatusCode, Is.Null);
        Assert.That(receiver.Received, Is.Empty);
    }

    [TestCase("not a url")]
    [TestCase("ftp://example.com/hook")]
    [TestCase("/relative/hook")]
    public async Task Send_ToSomethingOtherThanAnAbsoluteHttpUrl_IsRefused(string url)
    {
        var result = await WebhookHarness.SendAsync(url, allowPrivateTargets: true);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Refused));
    }

    [Test]
    public async Task Send_ToARedirect_DoesNotFollowItAndReportsRejected()
    {
        var result = await WebhookHarness.SendAsync(receiver.BaseUrl + FakeWebhookReceiver.RedirectPath, allowPrivateTargets: true);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Rejected));
        Assert.That(result.StatusCode, Is.EqualTo(302));
        Assert.That(receiver.ReceivedAt(FakeWebhookReceiver.RedirectPath), Has.Count.EqualTo(1));
        Assert.That(receiver.ReceivedAt(FakeWebhookReceiver.RedirectTargetPath), Is.Empty);
    }

    [TestCase(200, nameof(WebhookOutcome.Delivered))]
    [TestCase(204, nameof(WebhookOutcome.Delivered))]
    [TestCase(400, nameof(WebhookOutcome.Rejected))]
    [TestCase(401, nameof(WebhookOutcome.Rejected))]
    [TestCase(404, nameof(WebhookOutcome.Rejected))]
    [TestCase(410, nameof(WebhookOutcome.Rejected))]
    [TestCase(408, nameof(WebhookOutcome.Retry))]
    [TestCase(429, nameof(WebhookOutcome.Retry))]
    [TestCase(500, nameof(WebhookOutcome.Retry))]
    [TestCase(503, nameof(WebhookOutcome.Retry))]
    public async Task Send_WhenTheTargetAnswersAStatus_MapsItAndPostsOnce(int status, string expectedOutcome)
    {
        receiver.Answer = _ => FakeResponse.Json("", status);

        var result = await WebhookHarness.SendAsync($"{receiver.BaseUrl}/hook", allowPrivateTargets: true);

        Assert.That(result.Outcome.ToString(), Is.EqualTo(expectedOutcome));
        Assert.That(result.StatusCode, Is.EqualTo(status));
        Assert.That(receiver.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Send_WhenTheTargetAnswers500WithRetryAfter_ReportsRetryAfterThatLong()
    {
        receiver.Answer = _ => FakeResponse.Json("", (int)HttpStatusCode.InternalServerError).WithHeader("Retry-After", "60");

        var result = await WebhookHarness.SendAsync($"{receiver.BaseUrl}/hook", allowPrivateTargets: true);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Retry));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task Send_WhenTheTargetAnswersAfterTheTimeout_ReportsRetry()
    {
        receiver.Answer = _ => FakeResponse.Json("{}").After(TimeSpan.FromSeconds(3));

        var result = await WebhookHarness.SendAsync($"{receiver.BaseUrl}/hook", allowPrivateTargets: true, timeoutSeconds: 1);

        Assert.That(result.Outcome, Is.EqualTo(WebhookOutcome.Retry));
        Assert.That(receiver.Received, Has.Count.EqualTo(1));
    }
}
