using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Modules.Notifications.Webhooks;

internal static class WebhookRegistration
{
    /// <summary>
    /// Binds WebhookOptions and registers IWebhookSender on a named HttpClient that follows no redirect, uses no
    /// proxy, times out after Webhooks:TimeoutSeconds and connects only to public addresses (unless AllowPrivateTargets).
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        services.AddHttpClient(WebhookSender.HttpClientName, (serviceProvider, client) =>
                client.Timeout = TimeSpan.FromSeconds(serviceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.TimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(serviceProvider =>
                WebhookTargetGuard.CreateHandler(serviceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets))
            .RedactLoggedHeaders([WebhookSender.SignatureHeader]);
        services.AddSingleton<IWebhookSender, WebhookSender>();
        return services;
    }
}
