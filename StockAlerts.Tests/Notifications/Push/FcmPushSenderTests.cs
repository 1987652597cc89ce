using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Notifications.Push;

public sealed class FcmPushSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 7, 18, 0, 0, TimeSpan.Zero);
    private ServiceAccountKey key = null!;
    private FakeGoogleServer server = null!;
    private string keyPath = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        key = new ServiceAccountKey();
        server = await FakeGoogleServer.StartAsync(key);
        keyPath = key.WriteFile(server.TokenUri);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await server.DisposeAsync();
        key.Dispose();
    }

    [SetUp]
    public void Reset() => server.Reset();

    [Test]
    public async Task Send_SeveralMessages_FetchesOneAccessTokenThroughGoogleAuthFromTheFakeTokenEndpoint()
    {
        await using var services = PushHarness.Build(Settings());
        var sender = services.GetRequiredService<IPushSender>();

        var results = new List<PushResult>();
        foreach (var device in new[] { "device-a", "device-b", "device-c" })
        {
            results.Add(await sender.SendAsync(PushHarness.Message(device), CancellationToken.None));
        }

        Assert.That(results.Select(result => result.Outcome), Is.All.EqualTo(PushOutcome.Sent));
        Assert.That(server.TokenRequests, Is.EqualTo(1));
        Assert.That(server.TokenRejections, Is.Empty);
        Assert.That(server.Messages, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Send_Successfully_ReturnsFcmsMessageNameAndSendsToTheKeyFilesProject()
    {
        var result = await SendAsync(Settings(), PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Sent));
        Assert.That(result.MessageName, Does.StartWith($"projects/{ServiceAccountKey.ProjectId}/messages/"));
        Assert.That(server.Messages.Single().ProjectId, Is.EqualTo(ServiceAccountKey.ProjectId));
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_WithAConfiguredProjectId_SendsToThatProjectInsteadOfTheKeyFiles()
    {
        var settings = Settings();
        settings["Firebase:ProjectId"] = "another-project";

        var result = await SendAsync(settings, PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Sent));
        Assert.That(server.Messages.Single().ProjectId, Is.EqualTo("another-project"));
    }

    [Test]
    public async Task Send_WithTheKeyFileNamedOnlyByGoogleApplicationCredentials_UsesThatFile()
    {
        await using var services = PushHarness.Build(new Dictionary<string, string?>
        {
            [FirebaseOptions.CredentialsEnvironmentVariable] = keyPath,
            ["Firebase:BaseUrl"] = server.BaseUrl,
        });
        var sender = services.GetRequiredService<IPushSender>();

        var result = await sender.SendAsync(PushHarness.Message(), CancellationToken.None);

        Assert.That(sender.IsConfigured, Is.True);
        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Sent));
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_WithoutCredentials_ReportsPushNotConfiguredWithoutAnyRequest()
    {
        Assume.That(Environment.GetEnvironmentVariable(FirebaseOptions.CredentialsEnvironmentVariable), Is.Null.Or.Empty);
        await using var services = PushHarness.Build(new Dictionary<string, string?> { ["Firebase:BaseUrl"] = server.BaseUrl });
        var sender = services.GetRequiredService<IPushSender>();

        var result = await sender.SendAsync(PushHarness.Message(), CancellationToken.None);

        Assert.That(sender.IsConfigured, Is.False);
        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.ConfigurationError));
        Assert.That(result.Detail, Is.EqualTo("push not configured"));
        Assert.That(server.TokenRequests, Is.Zero);
        Assert.That(server.Messages, Is.Empty);
    }

    [Test]
    public async Task Send_ABanner_CarriesTheNotificationStringDataAndEachPlatformsPriorityCollapseKeyAndTtl()
    {
        var message = PushHarness.Message();

        var result = await SendAsync(Settings(), message, new FakeTimeProvider(Now));

        var sent = server.Messages.Single().Message;
        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Sent));
        Assert.That(Text(sent, "token"), Is.EqualTo(PushHarness.Device));
        Assert.That(Text(sent["notification"], "title"), Is.EqualTo("AAPL crossed 230.00"));
        Assert.That(Text(sent["notification"], "body"), Is.EqualTo("Apple Inc is now 230.12 USD (+1.16%)"));
        var data = sent["data"]!.AsObject();
        Assert.That(data.Select(pair => pair.Value?.GetValueKind()), Is.All.EqualTo(JsonValueKind.String));
        Assert.That(data.ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>()), Is.EqualTo(message.Data));

        var android = sent["android"];
        Assert.That(Text(android, "priority"), Is.EqualTo("high"));
        Assert.That(Text(android, "collapse_key"), Is.EqualTo("rule-7"));
        Assert.That(Text(android, "ttl"), Is.EqualTo("3600s"));
        Assert.That(Text(android?["notification"], "tag"), Is.EqualTo("rule-7"));

        var apnsHeaders = sent["apns"]?["headers"];
        Assert.That(Text(apnsHeaders, "apns-priority"), Is.EqualTo("10"));
        Assert.That(Text(apnsHeaders, "apns-push-type"), Is.EqualTo("alert"));
        Assert.That(Text(apnsHeaders, "apns-collapse-id"), Is.EqualTo("rule-7"));
        Assert.That(Text(apnsHeaders, "apns-expiration"), Is.EqualTo(Now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(Text(sent["apns"]?["payload"]?["aps"], "sound"), Is.EqualTo("default"));

        Assert.That(Text(sent["webpush"]?["headers"], "TTL"), Is.EqualTo("3600"));
        Assert.That(Text(sent["webpush"]?["headers"], "Urgency"), Is.EqualTo("high"));
    }

    [Test]
    public async Task Send_ASilentMessage_IsDataOnlyWithNormalPriorityAndAnApnsBackgroundPush()
    {
        var result = await SendAsync(Settings(), PushHarness.Message(silent: true));

        var sent = server.Messages.Single().Message;
        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Sent));
        Assert.That(sent["notification"], Is.Null);
        Assert.That(sent["data"]?["notificationId"]?.GetValue<string>(), Is.EqualTo("42"));
        Assert.That(Text(sent["android"], "priority"), Is.EqualTo("normal"));
        Assert.That(sent["android"]?["notification"], Is.Null);
        var apns = sent["apns"];
        Assert.That(Text(apns?["headers"], "apns-priority"), Is.EqualTo("5"));
        Assert.That(Text(apns?["headers"], "apns-push-type"), Is.EqualTo("background"));
        Assert.That(apns?["payload"]?["aps"]?["content-available"]?.GetValue<int>(), Is.EqualTo(1));
        Assert.That(apns?["payload"]?["aps"]?["sound"], Is.Null);
    }

    [Test]
    public async Task Send_ToAnIosDevice_SendsTheApnsBlockOnly()
    {
        await SendAsync(Settings(), PushHarness.Message(platform: "ios"));

        var sent = server.Messages.Single().Message;
        Assert.That(sent["apns"], Is.Not.Null);
        Assert.That(sent["android"], Is.Null);
        Assert.That(sent["webpush"], Is.Null);
    }

    [TestCase("unregistered", nameof(PushOutcome.Unregistered), "UNREGISTERED")]
    [TestCase("invalid registration token", nameof(PushOutcome.InvalidToken), "INVALID_ARGUMENT")]
    [TestCase("bad field, BadRequest detail only", nameof(PushOutcome.Rejected), "INVALID_ARGUMENT")]
    [TestCase("bad field, with FcmError", nameof(PushOutcome.Rejected), "INVALID_ARGUMENT")]
    [TestCase("sender id mismatch", nameof(PushOutcome.ConfigurationError), "SENDER_ID_MISMATCH")]
    [TestCase("third party auth error", nameof(PushOutcome.ConfigurationError), "THIRD_PARTY_AUTH_ERROR")]
    [TestCase("permission denied", nameof(PushOutcome.ConfigurationError), "PERMISSION_DENIED")]
    [TestCase("unauthenticated", nameof(PushOutcome.ConfigurationError), "UNAUTHENTICATED")]
    [TestCase("quota exceeded", nameof(PushOutcome.Retry), "QUOTA_EXCEEDED")]
    [TestCase("unavailable", nameof(PushOutcome.Retry), "UNAVAILABLE")]
    [TestCase("internal", nameof(PushOutcome.Retry), "INTERNAL")]
    public async Task Send_WhenFcmAnswersWithAnError_MapsItAndSendsExactlyOnce(string scenario, string expectedOutcome, string expectedErrorCode)
    {
        server.Fcm = _ => Scenario(scenario);

        var result = await SendAsync(Settings(), PushHarness.Message());

        Assert.That(result.Outcome.ToString(), Is.EqualTo(expectedOutcome));
        Assert.That(result.ErrorCode, Is.EqualTo(expectedErrorCode));
        Assert.That(result.Detail, Is.Not.Null.And.Not.Empty);
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
        Assert.That(server.Messages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Send_With429AndRetryAfterInSeconds_ReportsRetryAfterThatLong()
    {
        server.Fcm = _ => FcmAnswers.QuotaExceeded(retryAfter: "30");

        var result = await SendAsync(Settings(), PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_With503AndRetryAfterAsAnHttpDate_ReportsTheTimeUntilThatDate()
    {
        server.Fcm = _ => FcmAnswers.Unavailable(retryAfter: Now.AddSeconds(120).ToString("R"));

        var result = await SendAsync(Settings(), PushHarness.Message(), new FakeTimeProvider(Now));

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(result.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_With500AndNoRetryAfter_ReportsRetryWithoutADelay()
    {
        server.Fcm = _ => FcmAnswers.Internal();

        var result = await SendAsync(Settings(), PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(result.RetryAfter, Is.Null);
    }

    [Test]
    public async Task Send_WhenTheTokenEndpointRefusesTheGrant_ReportsAConfigurationErrorAndSendsNothing()
    {
        server.RefuseTokens = true;

        var result = await SendAsync(Settings(), PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.ConfigurationError));
        Assert.That(result.ErrorCode, Is.EqualTo("invalid_grant"));
        Assert.That(server.TokenRequests, Is.EqualTo(1));
        Assert.That(server.Messages, Is.Empty);
    }

    [Test]
    public async Task Send_WhenTheTokenEndpointIsUnreachable_ReportsRetryAndSendsNothing()
    {
        var settings = Settings();
        settings["Firebase:CredentialsPath"] = key.WriteFile("http://127.0.0.1:1/token");

        var result = await SendAsync(settings, PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(server.Messages, Is.Empty);
    }

    [Test]
    public async Task Send_WhenFcmIsUnreachable_ReportsRetry()
    {
        var settings = Settings();
        settings["Firebase:BaseUrl"] = "http://127.0.0.1:1";

        var result = await SendAsync(settings, PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(server.TokenRequests, Is.EqualTo(1));
    }

    [Test]
    public async Task Send_WhenFcmAnswersAfterTheTimeout_ReportsRetryAndSendsOnce()
    {
        var settings = Settings();
        settings["Firebase:RequestTimeoutSeconds"] = "1";
        server.Fcm = request => FcmAnswers.Success(request).After(TimeSpan.FromSeconds(3));

        var result = await SendAsync(settings, PushHarness.Message());

        Assert.That(result.Outcome, Is.EqualTo(PushOutcome.Retry));
        Assert.That(result.ErrorCode, Is.EqualTo("timeout"));
        Assert.That(server.MessagesTo(PushHarness.Device), Is.EqualTo(1));
    }

    [Test]
    public async Task Send_ManyAtOnce_KeepsNoMoreThanMaxConcurrentRequestsInFlight()
    {
        var settings = Settings();
        settings["Firebase:MaxConcurrentRequests"] = "2";
        server.Fcm = request => FcmAnswers.Success(request).After(TimeSpan.FromMilliseconds(200));
        var devices = Enumerable.Range(1, 8).Select(number => $"device-{number}").ToList();
        await using var services = PushHarness.Build(settings);
        var sender = services.GetRequiredService<IPushSender>();

        var results = await Task.WhenAll(devices.Select(device => sender.SendAsync(PushHarness.Message(device), CancellationToken.None)));

        Assert.That(results.Select(result => result.Outcome), Is.All.EqualTo(PushOutcome.Sent));
        Assert.That(server.MaxConcurrentMessages, Is.InRange(1, 2));
        Assert.That(devices.Select(server.MessagesTo), Is.All.EqualTo(1));
    }

    [Test]
    public async Task AddPush_RegistersOneSharedSenderSoTheTokenCacheIsShared()
    {
        await using var services = PushHarness.Build(Settings());

        Assert.That(services.GetRequiredService<IPushSender>(), Is.SameAs(services.GetRequiredService<IPushSender>()));
        Assert.That(services.GetRequiredService<IPushSender>(), Is.TypeOf<FcmPushSender>());
    }

    [Test]
    public async Task Options_WithAMissingCredentialsFile_FailValidationNamingTheSettingAndThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");
        var settings = Settings();
        settings["Firebase:CredentialsPath"] = missing;
        await using var services = PushHarness.Build(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<FirebaseOptions>>().Value);

        Assert.That(exception?.Message, Does.Contain("Firebase:CredentialsPath"));
        Assert.That(exception?.Message, Does.Contain(missing));
    }

    [Test]
    public async Task Options_WithAKeyFileWithoutProjectIdAndNoneConfigured_FailValidationNamingProjectId()
    {
        var settings = Settings();
        settings["Firebase:CredentialsPath"] = key.WriteFile(server.TokenUri, projectId: null);
        await using var services = PushHarness.Build(settings);

        var exception = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<FirebaseOptions>>().Value);

        Assert.That(exception?.Message, Does.Contain("Firebase:ProjectId"));
    }

    [Test]
    public async Task Options_WithoutCredentials_PassValidationWhateverTheOtherSettings()
    {
        Assume.That(Environment.GetEnvironmentVariable(FirebaseOptions.CredentialsEnvironmentVariable), Is.Null.Or.Empty);
        await using var services = PushHarness.Build(new Dictionary<string, string?> { ["Firebase:MaxConcurrentRequests"] = "0" });

        Assert.That(services.GetRequiredService<IOptions<FirebaseOptions>>().Value.CredentialsPath, Is.Null.Or.Empty);
    }

    private Dictionary<string, string?> Settings() => PushHarness.Settings(server, keyPath);

    private static async Task<PushResult> SendAsync(Dictionary<string, string?> settings, PushMessage message, TimeProvider? timeProvider = null)
    {
        await using var services = PushHarness.Build(settings, timeProvider);
        return await services.GetRequiredService<IPushSender>().SendAsync(message, CancellationToken.None);
    }

    private static FakeResponse Scenario(string name) => name switch
    {
        "unregistered" => FcmAnswers.Unregistered(),
        "invalid registration token" => FcmAnswers.InvalidToken(),
        "bad field, BadRequest detail only" => FcmAnswers.InvalidArgument(withFcmError: false),
        "bad field, with FcmError" => FcmAnswers.InvalidArgument(withFcmError: true),
        "sender id mismatch" => FcmAnswers.SenderIdMismatch(),
        "third party auth error" => FcmAnswers.ThirdPartyAuthError(),
        "permission denied" => FcmAnswers.PermissionDenied(),
        "unauthenticated" => FcmAnswers.Unauthenticated(),
        "quota exceeded" => FcmAnswers.QuotaExceeded(),
        "unavailable" => FcmAnswers.Unavailable(),
        "internal" => FcmAnswers.Internal(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such FCM scenario"),
    };

    private static string? Text(JsonNode? node, string name) => node?[name]?.GetValue<string>();
}
