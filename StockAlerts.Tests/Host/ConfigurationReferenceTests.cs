using System.Reflection;
using StockAlerts.Modules.Alerts;
using StockAlerts.Modules.Notifications;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Modules.Prices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Web.Identity;
using StockAlerts.Web.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>The README's configuration table cannot drift from the options classes: every setting has a row.</summary>
public sealed class ConfigurationReferenceTests
{
    private static IEnumerable<TestCaseData> Settings() =>
        new (Type Options, string Section)[]
        {
            (typeof(StorageOptions), "Storage:"),
            (typeof(DatabaseOptions), "Database:"),
            (typeof(AdminOptions), "Admin:"),
            (typeof(RateLimitOptions), "RateLimits:"),
            (typeof(RealtimeOptions), "Realtime:"),
            (typeof(RequestLimitsOptions), "Requests:"),
            (typeof(CorsOriginsOptions), "Cors:"),
            (typeof(ProxyOptions), "ForwardedHeaders:"),
            (typeof(HttpsOptions), "Https:"),
            (typeof(PricesOptions), "Prices:"),
            (typeof(ProviderSettings), "Prices:Providers:"),
            (typeof(SimulatedFeedOptions), "Prices:Providers:simulated"),
            (typeof(AlertsOptions), "Alerts:"),
            (typeof(NotificationsOptions), "Notifications:"),
            (typeof(FirebaseOptions), "Firebase:"),
            (typeof(WebhookOptions), "Webhooks:"),
            (typeof(TelemetryOptions), "Telemetry:"),
            (typeof(KeyProtectionOptions), "DataProtection:"),
            (typeof(StockAlerts.Modules.Notifications.WebPush.WebPushOptions), "WebPush:"),
        }
        .SelectMany(entry => entry.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite)
            .Select(property => new TestCaseData(entry.Section, property.Name).SetName($"Readme_Documents_{entry.Section.Replace(":", "_")}{property.Name}")));

    [TestCaseSource(nameof(Settings))]
    public void EverySetting_HasARowInTheReadmeConfigurationTable(string section, string property)
    {
        var rows = ReadmeRows();

        Assert.That(rows.Any(row => row.Contains(section, StringComparison.Ordinal) && row.Contains(property, StringComparison.Ordinal)), Is.True,
            $"README.md's configuration table has no row for {section}{property}");
    }

    private static List<string> ReadmeRows()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "README.md")))
        {
            folder = folder.Parent;
        }
        var readme = File.ReadAllText(Path.Combine(folder!.FullName, "README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 5, StringComparison.Ordinal)];
        return table.Split('\n').Where(line => line.StartsWith('|')).ToList();
    }
}
