using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Notifications.ActOnNotification;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.DeliverNotification;
using StockAlerts.Modules.Notifications.ListNotifications;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Notifications.Preferences;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Modules.Notifications.RegisterDevice;
using StockAlerts.Modules.Notifications.WebPush;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Notifications;

public static class NotificationsModule
{
    public static IServiceCollection AddNotificationsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new HubDescription("notifications", HubRoutes.For("notifications"), typeof(NotificationsHub), typeof(INotificationsClient),
            "The signed-in user's notifications, live, as they are stored."));
        services.AddModuleDbContext<NotificationsDbContext, NotificationsSqliteDbContext, NotificationsMySqlDbContext>("notifications");
        services.AddValidatedOptions<NotificationsOptions, NotificationsOptionsValidator>(NotificationsOptions.Section);
        services.AddPush(configuration);
        services.AddWebhooks(configuration);
        services.AddWebPush();
        services.AddSingleton<PushHealth>();
        services.AddSingleton<LiveConnections>();
        services.AddHostedService<LiveRedelivery>();
        services.AddScoped<DeliverNotificationJob>();
        services.AddScoped<DeliverBatchJob>();
        services.AddSingleton<SentMemo>();
        services.AddScoped<PruneDevicesJob>();
        services.AddScoped<DeliverDueJob>();
        services.AddSingleton(new RecurringJob(DeliverDueJob.JobId, TimeSpan.FromSeconds(30),
            (scope, cancellationToken) => scope.GetRequiredService<DeliverDueJob>().RunAsync(cancellationToken)));
        services.AddSingleton(new RecurringJob(PruneDevicesJob.JobId, TimeSpan.FromHours(12),
            (scope, cancellationToken) => scope.GetRequiredService<PruneDevicesJob>().RunAsync(cancellationToken)));
        services.AddSingleton(new StartupTask("checking push configuration",
            (scope, _) => LogPushConfiguration(scope)));
        services.AddHealthChecks().AddCheck<PushHealth>("push", tags: [HealthTags.Ready]);
        return services;
    }

    private static Task LogPushConfiguration(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NotificationsModule));
        if (services.GetRequiredService<IPushSender>().IsConfigured)
        {
            logger.LogInformation("Notifications: push configured (Firebase Cloud Messaging)");
        }
        else
        {
            // Information, not a warning: push to phones is optional, and this is said at every start (and cron run).
            logger.LogInformation("Notifications: phone push not configured (set Firebase:CredentialsPath or GOOGLE_APPLICATION_CREDENTIALS): pushes to phones are recorded as skipped; browser push, live and webhook delivery work");
        }
        return Task.CompletedTask;
    }

    public static IEndpointRouteBuilder MapNotificationsModule(this IEndpointRouteBuilder endpoints)
    {
        var notifications = endpoints.MapGroup("/api/notifications").RequireAuthorization().WithTags("Notifications").AddEndpointFilter<ValidationFilter>();
        notifications.MapPreferences();
        notifications.MapListNotifications();
        notifications.MapMarkNotifications();
        notifications.MapActOnNotification();

        var devices = endpoints.MapGroup("/api/devices").RequireAuthorization().WithTags("Devices").AddEndpointFilter<ValidationFilter>();
        devices.MapDevices();

        endpoints.MapHub<NotificationsHub>(HubRoutes.For("notifications")).RequireAuthorization();
        return endpoints;
    }
}
