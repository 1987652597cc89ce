using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Tests.Prices.Providers;

public sealed class ProviderRegistrationTests
{
    [Test]
    public async Task AddHttpPriceProviders_WithoutKeysOrEnabled_RegistersNoProvider()
    {
        await using var services = ProviderHarness.Build([]);

        Assert.That(services.GetServices<IPriceProvider>(), Is.Empty);
    }

    [Test]
    public async Task AddHttpPriceProviders_WithOnlyAnApiKey_EnablesThatProvider()
    {
        await using var services = ProviderHarness.Build([new("Prices:Providers:finnhub:ApiKey", "abc")]);

        Assert.That(services.GetServices<IPriceProvider>().Select(provider => provider.Name), Is.EqualTo(new[] { "finnhub" }));
        Assert.That(services.GetRequiredService<IOptionsMonitor<ProviderSettings>>().Get("finnhub").Enabled, Is.True);
    }

    [Test]
    public async Task AddHttpPriceProviders_WithEnabledFalse_LeavesTheProviderOutDespiteItsKey()
    {
        await using var services = ProviderHarness.Build([
            new("Prices:Providers:fixer:ApiKey", "abc"),
            new("Prices:Providers:fixer:Enabled", "false"),
        ]);

        Assert.That(services.GetServices<IPriceProvider>(), Is.Empty);
        Assert.That(services.GetRequiredService<IOptionsMonitor<ProviderSettings>>().Get("fixer").Enabled, Is.False);
    }

    [Test]
    public async Task AddHttpPriceProviders_GivesEachProviderItsDefaultsUnlessConfigured()
    {
        await using var services = ProviderHarness.Build([new("Prices:Providers:currencylayer:BaseUrl", "http://127.0.0.1:1/cl")]);
        var settings = services.GetRequiredService<IOptionsMonitor<ProviderSettings>>();

        Assert.That(settings.Get("fixer").BaseUrl, Is.EqualTo("http://data.fixer.io/api"));
        Assert.That(settings.Get("fixer").MonthlyQuota, Is.EqualTo(100));
        Assert.That(settings.Get("currencylayer").BaseUrl, Is.EqualTo("http://127.0.0.1:1/cl"));
        Assert.That(settings.Get("finnhub").BaseUrl, Is.EqualTo("https://finnhub.io/api/v1"));
        Assert.That(settings.Get("finnhub").MonthlyQuota, Is.Null);
        Assert.That(settings.Get("simulated").Enabled, Is.True);
        Assert.That(settings.Get("simulated").IntervalSeconds, Is.EqualTo(1));
    }

    [Test]
    public void Read_ResolvesDefaultsConfigurationAndEnabledLikeTheContainer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([
            new("Prices:Providers:fixer:ApiKey", "abc"),
            new("Prices:Providers:fixer:IntervalSeconds", "600"),
        ]).Build();

        var fixer = ProviderRegistration.Read(configuration, "fixer");

        Assert.That(fixer.Enabled, Is.True);
        Assert.That(fixer.IntervalSeconds, Is.EqualTo(600));
        Assert.That(fixer.BaseUrl, Is.EqualTo("http://data.fixer.io/api"));
        Assert.That(ProviderRegistration.Read(configuration, "finnhub").Enabled, Is.False);
    }
}
