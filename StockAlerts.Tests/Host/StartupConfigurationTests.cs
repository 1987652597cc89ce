using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class StartupConfigurationTests
{
    [Test]
    public void MySqlProvider_WithoutConnectionString_StopsStartupNamingTheSetting()
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Database:Provider"] = "MySql" })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("Database:ConnectionString").And.Contain("Database__ConnectionString"));
    }

    [Test]
    public void UnknownProvider_StopsStartupNamingTheSetting()
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Database:Provider"] = "Postgres" })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("Database:Provider").And.Contain("'Sqlite'").And.Contain("'MySql'"));
    }

    [Test]
    public void AdminEmailThatIsNotAnEmail_StopsStartupNamingTheSetting()
    {
        var exception = Assert.CatchAsync(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Admin:Emails:0"] = "not-an-email" })).DisposeAsync());

        Assert.That(exception!.ToString(), Does.Contain("Admin:Emails:0").And.Contain("Admin__Emails__0").And.Contain("not-an-email"));
    }

    [Test]
    public async Task AnEmptyAdminEmail_MeansNoAdmin()
    {
        // What compose gives with ADMIN_EMAIL left empty in .env: Admin__Emails__0= .
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Admin:Emails:0"] = "" });

        Assert.That((await app.CreateClient().GetAsync("/health/live")).IsSuccessStatusCode, Is.True);
    }

    [TestCase("Telemetry:OtlpEndpoint", "collector:4317", "absolute http(s) URL")]
    [TestCase("Telemetry:OtlpProtocol", "http/json", "'grpc'")]
    [TestCase("Telemetry:ScrapeToken", "short", "at least 24 characters")]
    public void InvalidTelemetrySetting_StopsStartupNamingTheSetting(string setting, string value, string expected)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Telemetry:Prometheus"] = "true", [setting] = value })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain(setting).And.Contain(setting.Replace(":", "__")).And.Contain(expected));
    }

    [TestCase("Prices:Providers:finnhub:Stream:Url", "https://ws.finnhub.io", "ws:// or wss://")]
    [TestCase("Prices:Providers:finnhub:Stream:MaxSymbols", "0", "between 1 and 10000")]
    [TestCase("Prices:Providers:finnhub:Stream:SilenceSeconds", "1", "between 5 and 3600")]
    public void InvalidStreamSetting_StopsStartupNamingTheSetting(string setting, string value, string expected)
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { [setting] = value })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain(setting).And.Contain(setting.Replace(":", "__")).And.Contain(expected));
    }

    [Test]
    public void ScrapeTokenWithoutPrometheus_StopsStartupNamingBothSettings()
    {
        var exception = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Telemetry:ScrapeToken"] = "c8k2m1qad3i9e0b4f7g0c8k2m1qad3i9" })).DisposeAsync());

        Assert.That(exception!.Message, Does.Contain("Telemetry:ScrapeToken").And.Contain("Telemetry__Prometheus=true"));
    }

    [Test]
    public async Task SqliteMode_CreatesTheDataDirectoryWhenMissing()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stockalerts-missing-{Guid.NewGuid():N}", "nested");

        await using (await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Storage:DataDirectory"] = folder }))
        {
            Assert.That(File.Exists(Path.Combine(folder, "stockalerts.db")), Is.True);
        }
    }

    [TestCaseSource(nameof(ProviderContexts))]
    public void EveryProviderContext_HasAMigrationForTheCurrentModel(Type factoryType)
    {
        var factory = Activator.CreateInstance(factoryType)!;
        using var context = (DbContext)factoryType.GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext))!.Invoke(factory, [Array.Empty<string>()])!;

        Assert.That(context.Database.GetMigrations(), Is.Not.Empty, $"{context.GetType().Name} has no migrations");
        Assert.That(context.Database.HasPendingModelChanges(), Is.False,
            $"{context.GetType().Name}: the model changed without a migration. Add one: dotnet ef migrations add <Name> --context {context.GetType().Name} -o <Module>/Data/Migrations/<Provider>");
    }

    private static IEnumerable<Type> ProviderContexts() =>
        new[] { typeof(StockAlerts.Web.Infrastructure.HostSetup).Assembly, typeof(DatabaseSettings).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => !type.IsAbstract && type.BaseType is { IsGenericType: true } baseType
                && baseType.GetGenericTypeDefinition() == typeof(DesignTimeContextFactory<>));
}
