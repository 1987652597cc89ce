using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Modules.Notifications.WebPush;

internal static class WebPushRegistration
{
    /// <summary>
    /// Web Push needs no set-up: WebPushOptions (keys optional), the VAPID keys, and a named HttpClient that, like the
    /// webhooks', connects only to public addresses: the endpoint of a subscription comes from a client.
    /// </summary>
    public static IServiceCollection AddWebPush(this IServiceCollection services)
    {
        services.AddValidatedOptions<WebPushOptions, WebPushOptionsValidator>(WebPushOptions.Section);
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.AddHttpClient(WebPushSender.HttpClientName, (serviceProvider, client) =>
                client.Timeout = TimeSpan.FromSeconds(serviceProvider.GetRequiredService<IOptions<WebPushOptions>>().Value.RequestTimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(serviceProvider =>
                WebhookTargetGuard.CreateHandler(serviceProvider.GetRequiredService<IOptions<WebPushOptions>>().Value.AllowPrivateEndpoints))
            .RedactLoggedHeaders(["Authorization"]);
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<WebPushSender>();
        return services;
    }
}
