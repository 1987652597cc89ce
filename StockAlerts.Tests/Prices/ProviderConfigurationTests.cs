using Microsoft.Extensions.Configuration;
using StockAlerts.Modules.Prices;

namespace StockAlerts.Tests.Prices;

/// <summary>What the startup note says when a plan's quota slows polling down: in the unit that fits.</summary>
public sealed class ProviderConfigurationTests
{
    [TestCase(100, "allows one every 7.4 h: polling every 7.4 h")]
    [TestCase(20_000, "allows one every 2.2 min: polling every 2.2 min")]
    [TestCase(1_000_000, "allows one every 2.7 s: polling every 2.7 s")]
    public void AQuotaThatSlowsPollingDown_IsToldInTheUnitThatFits(int quota, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:Providers:fixer:ApiKey"] = "a-key",
            ["Prices:Providers:fixer:IntervalSeconds"] = "1",
            ["Prices:Providers:fixer:MonthlyQuota"] = quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();

        var note = ProviderConfiguration.Resolve(configuration).Notes.Single(line => line.StartsWith("fixer:", StringComparison.Ordinal));

        Assert.That(note, Does.Contain("configured every 1 s").And.Contain(expected));
    }
}
