using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Notifications.Webhooks;

namespace StockAlerts.Tests.Notifications.Webhooks;

/// <summary>Builds the webhook sender the way the app does (AddWebhooks over configuration).</summary>
internal static class WebhookHarness
{
    public const string Secret = "whsec_test";
    public const string NotificationId = "42";
    public const string Body = """{"notificationId":"42","symbol":"AAPL"}""";

    public static ServiceProvider Build(bool allowPrivateTargets, TimeProvider? timeProvider = null, int timeoutSeconds = 5)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:AllowPrivateTargets"] = allowPrivateTargets ? "true" : "false",
            ["Webhooks:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        if (timeProvider is not null)
        {
            services.AddSingleton<TimeProvider>(timeProvider);
        }
        services.AddWebhooks(configuration);
        return services.BuildServiceProvider();
    }

    public static async Task<WebhookResult> SendAsync(string url, bool allowPrivateTargets, TimeProvider? timeProvider = null, int timeoutSeconds = 5)
    {
        await using var services = Build(allowPrivateTargets, timeProvider, timeoutSeconds);
        return await services.GetRequiredService<IWebhookSender>().SendAsync(new WebhookMessage(url, Secret, NotificationId, Body), CancellationToken.None);
    }
}
