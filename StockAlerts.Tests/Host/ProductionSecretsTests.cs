using Microsoft.Extensions.Options;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class ProductionSecretsTests
{
    [TestCase("Prices:Providers:finnhub:ApiKey", "your-finnhub-key", "Prices__Providers__finnhub__ApiKey")]
    [TestCase("Prices:Providers:fixer:ApiKey", "change-me", "Prices__Providers__fixer__ApiKey")]
    [TestCase("ConnectionStrings:Database", "Server=db;Port=3306;Database=stockalerts;User=stockalerts;Password=change-me", "ConnectionStrings__Database")]
    [TestCase("ConnectionStrings:Database", "Server=db;Database=stockalerts;User=stockalerts;Password=...", "ConnectionStrings__Database")]
    [TestCase("Firebase:ProjectId", "your-project-id", "Firebase__ProjectId")]
    [TestCase("Telemetry:ScrapeToken", "change-me-to-a-long-random-scrape-token", "Telemetry__ScrapeToken")]
    public void InProduction_AnExampleSecret_StopsStartup_NamingTheSettingAndTheFix_NotTheValue(string setting, string value, string environmentVariable)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { [setting] = value })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain($"'{setting}'").And.Contain(environmentVariable).And.Contain("ASPNETCORE_ENVIRONMENT=Development"));
        Assert.That(exception.Message, Does.Not.Contain(value));
    }

    [Test]
    public void InProduction_AFirebaseKeyFileWithExampleValues_StopsStartup()
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-example-key-").FullName;
        var path = Path.Combine(folder, "firebase.json");
        File.WriteAllText(path, """{"type":"service_account","project_id":"your-project-id","client_email":"firebase-adminsdk-xxxxx@your-project-id.iam.gserviceaccount.com"}""");
        try
        {
            var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
                await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Firebase:CredentialsPath"] = path })).DisposeAsync());

            Assert.That(exception!.Message, Does.Contain("Firebase__CredentialsPath").And.Contain("project_id, client_email").And.Contain("Service accounts"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task InDevelopment_ExampleValuesAreAccepted()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?>
        {
            ["environment"] = "Development",
            ["Prices:Providers:finnhub:ApiKey"] = "your-finnhub-key",
        });

        Assert.That((await app.CreateClient().GetAsync("/health/live")).IsSuccessStatusCode, Is.True);
    }

    [TestCase("change-me", ExpectedResult = true)]
    [TestCase("CHANGEME", ExpectedResult = true)]
    [TestCase("...", ExpectedResult = true)]
    [TestCase("<your api key>", ExpectedResult = true)]
    [TestCase("your_fixer_key", ExpectedResult = true)]
    [TestCase("example-key", ExpectedResult = true)]
    [TestCase("xxxxxxxx", ExpectedResult = true)]
    [TestCase("password", ExpectedResult = true)]
    [TestCase("", ExpectedResult = false)]
    [TestCase("c8k2m1qad3i9e0b4f7g0", ExpectedResult = false)]
    [TestCase("Tr0ub4dor&3-horse", ExpectedResult = false)]
    [TestCase("stockalerts-test", ExpectedResult = false)]
    public bool ExampleValues_AreToldFromRealOnes(string value) => ProductionSecrets.IsExample(value);
}
