using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Modules.Notifications.Push;

internal static class PushRegistration
{
    /// <summary>
    /// Binds FirebaseOptions (CredentialsPath falling back to GOOGLE_APPLICATION_CREDENTIALS, validated on start only
    /// when set), a named HttpClient with a timeout and no retries (the delivery job retries), and IPushSender as a
    /// singleton so the access token is cached once per process.
    /// </summary>
    public static IServiceCollection AddPush(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddTelemetry();
        services.TryAddSingleton<NotificationsMetrics>();
        services.AddValidatedOptions<FirebaseOptions, FirebaseOptionsValidator>(FirebaseOptions.Section)
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.CredentialsPath))
                {
                    // The host's configuration holds the environment, so a test can set the fallback without touching it.
                    options.CredentialsPath = configuration[FirebaseOptions.CredentialsEnvironmentVariable]
                        ?? Environment.GetEnvironmentVariable(FirebaseOptions.CredentialsEnvironmentVariable);
                }
            });
        services.AddHttpClient(FcmPushSender.HttpClientName, (serviceProvider, client) =>
                client.Timeout = TimeSpan.FromSeconds(serviceProvider.GetRequiredService<IOptions<FirebaseOptions>>().Value.RequestTimeoutSeconds))
            .RedactLoggedHeaders(["Authorization"]);
        services.AddSingleton<IPushSender, FcmPushSender>();
        return services;
    }
}
