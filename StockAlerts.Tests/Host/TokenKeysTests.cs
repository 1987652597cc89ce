using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>The keys that sign tokens belong to one installation: made there, kept private, never taken from the code.</summary>
public sealed class TokenKeysTests
{
    private const string PublishedKeyId = "6bbe5a32-4cf8-44ad-bb82-b69fc6ce852b";

    [Test]
    public async Task TwoInstallations_DoNotAcceptEachOthersTokens()
    {
        await using var first = await TestApp.StartAsync(StorageKind.Sqlite);
        await using var second = await TestApp.StartAsync(StorageKind.Sqlite);
        using var signedIn = await first.SignInAsync();
        using var stranger = second.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;

        Assert.That((await signedIn.GetAsync("/api/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await stranger.GetAsync("/api/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public void KeyFolderHoldingThePublishedKey_StopsStartup_SayingWhatToDelete()
    {
        var data = Directory.CreateTempSubdirectory("stockalerts-published-key-").FullName;
        Directory.CreateDirectory(Path.Combine(data, "keys"));
        File.WriteAllText(Path.Combine(data, "keys", $"key-{PublishedKeyId}.xml"), $"<key id=\"{PublishedKeyId}\" version=\"1\" />");

        var exception = Assert.CatchAsync(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Storage:DataDirectory"] = data })).DisposeAsync());

        Assert.That(exception, Is.InstanceOf<StartupRefusedException>());
        Assert.That(exception!.Message, Does.Contain(PublishedKeyId).And.Contain($"delete key-{PublishedKeyId}.xml").And.Contain(Path.Combine(data, "keys")));
    }

    [Test]
    public async Task RedisKeyRingHoldingThePublishedKey_StopsStartup()
    {
        string redis;
        await using (var first = await TestApp.StartAsync(StorageKind.MariaDb))
        {
            redis = first.Settings["ConnectionStrings:Redis"]!;
        }
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            await connection.GetDatabase().ListRightPushAsync(KeysSetup.RedisKey, $"<key id=\"{PublishedKeyId}\" version=\"1\" />");
        }

        var exception = Assert.CatchAsync(async () =>
            await (await TestApp.StartAsync(StorageKind.MariaDb, new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis })).DisposeAsync());

        Assert.That(exception, Is.InstanceOf<StartupRefusedException>());
        Assert.That(exception!.Message, Does.Contain(PublishedKeyId).And.Contain(KeysSetup.RedisKey));
        await using var cleanup = await ConnectionMultiplexer.ConnectAsync(redis);
        await cleanup.GetDatabase().KeyDeleteAsync(KeysSetup.RedisKey);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task DataFolderAndKeyFolder_AreCreatedForTheOwnerOnly()
    {
        var data = Path.Combine(Path.GetTempPath(), $"stockalerts-owner-only-{Guid.NewGuid():N}");
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Storage:DataDirectory"] = data });
        using var client = await app.SignInAsync();

        Assert.That(File.GetUnixFileMode(data), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(Path.Combine(data, "keys")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(Directory.EnumerateFiles(Path.Combine(data, "keys")), Is.Not.Empty);
    }

    [Test]
    public async Task WithACertificate_KeysAreStoredEncrypted_AndTokensStillWork()
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-certificate-").FullName;
        var certificatePath = Path.Combine(folder, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=stockalerts-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllBytes(certificatePath, certificate.Export(X509ContentType.Pkcs12, "pfx-password-for-the-test"));
        }
        var data = Path.Combine(folder, "data");

        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = data,
            ["DataProtection:CertificatePath"] = certificatePath,
            ["DataProtection:CertificatePassword"] = "pfx-password-for-the-test",
        });
        using var client = await app.SignInAsync();
        var keyFiles = Directory.GetFiles(Path.Combine(data, "keys"));

        Assert.That((await client.GetAsync("/api/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(keyFiles, Is.Not.Empty);
        Assert.That(keyFiles.Select(File.ReadAllText), Has.All.Contain("encryptedSecret").And.All.Not.Contain("masterKey"));
    }

    [Test]
    public void CertificateThatDoesNotOpen_StopsStartupNamingTheSetting()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stockalerts-bad-certificate-").FullName, "keys.pfx");
        File.WriteAllText(path, "not a certificate");

        var exception = Assert.CatchAsync(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = path })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("DataProtection:CertificatePath").And.Contain("DataProtection__CertificatePath"));
    }
}
