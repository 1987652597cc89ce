using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Notifications.Push;

/// <summary>Builds the push sender the way the app does (AddPush over configuration), pointed at the fake Google server.</summary>
internal static class PushHarness
{
    public const string Device = "dKx9c2Vt-device-one:APA91bH";

    public static Dictionary<string, string?> Settings(FakeGoogleServer server, string credentialsPath) => new()
    {
        ["Firebase:CredentialsPath"] = credentialsPath,
        ["Firebase:BaseUrl"] = server.BaseUrl,
        ["Firebase:RequestTimeoutSeconds"] = "5",
    };

    public static ServiceProvider Build(IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? timeProvider = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        if (timeProvider is not null)
        {
            services.AddSingleton<TimeProvider>(timeProvider);
        }
        services.AddPush(configuration);
        return services.BuildServiceProvider();
    }

    public static PushMessage Message(string token = Device, bool silent = false, string? platform = null) => new(
        token,
        "AAPL crossed 230.00",
        "Apple Inc is now 230.12 USD (+1.16%)",
        new Dictionary<string, string>
        {
            ["notificationId"] = "42",
            ["ruleId"] = "7",
            ["symbol"] = "AAPL",
            ["price"] = "230.12",
            ["kind"] = "stock",
        },
        CollapseKey: "rule-7",
        Silent: silent,
        Platform: platform);
}
