using Hangfire;
using Mediator;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.Live;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// Stores the notification and one delivery row per device and webhook in one transaction (nothing new for a
/// firing seen before), tells the user's open apps at once, then schedules the push and webhook delivery job.
/// </summary>
internal sealed partial class StoreOnAlertTriggered(
    NotificationsDbContext database,
    IHubContext<NotificationsHub, INotificationsClient> hub,
    IBackgroundJobClient jobs,
    IOptionsMonitor<NotificationsOptions> options,
    NotificationsMetrics metrics,
    TimeProvider time,
    ILogger<StoreOnAlertTriggered> logger) : INotificationHandler<AlertTriggered>
{
    public async ValueTask Handle(AlertTriggered firing, CancellationToken cancellationToken)
    {
        if (await database.Notifications.AnyAsync(notification => notification.FiringId == firing.FiringId, cancellationToken))
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var notification = new NotificationRecord
        {
            Id = Guid.CreateVersion7(),
            UserId = firing.UserId,
            FiringId = firing.FiringId,
            RuleId = firing.RuleId,
            Symbol = firing.Symbol,
            Price = firing.Price,
            Level = firing.Level,
            Kind = firing.ConditionType,
            Title = firing.Title,
            Body = firing.Message,
            CreatedAt = now,
        };
        if (firing.Channels.Contains("push"))
        {
            var devices = await database.Devices.AsNoTracking().Where(device => device.UserId == firing.UserId).Select(device => device.Id).ToListAsync(cancellationToken);
            notification.Deliveries.AddRange(devices.Select(device => NewDelivery(notification, "push", device.ToString(), now)));
        }
        if (firing.Channels.Contains("webhook") && firing.WebhookUrl is { } webhookUrl)
        {
            notification.Deliveries.Add(NewDelivery(notification, "webhook", webhookUrl, now));
        }

        database.Notifications.Add(notification);
        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (await IsStoredAsync(firing.FiringId, cancellationToken))
            {
                // The same firing, stored a moment ago by another handler.
                return;
            }
            throw;
        }
        metrics.Created();

        if (firing.Channels.Contains("live"))
        {
            try
            {
                await hub.Clients.User(firing.UserId).NotificationCreated(new LiveNotification(
                    notification.Id, notification.RuleId, notification.Symbol, notification.Price, notification.Title, notification.Body, notification.CreatedAt));
                // Handed to SignalR: whether the user had a connection open is not known here.
                metrics.Delivered("live", DeliveryStatus.Sent);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                metrics.Delivered("live", DeliveryStatus.Failed);
                LogLiveFailed(exception, notification.Id);
            }
        }
        if (notification.Deliveries.Count > 0)
        {
            // The delay gives the open app time to acknowledge, and lets a burst of firings share one push.
            var delay = TimeSpan.FromSeconds(Math.Max(options.CurrentValue.LiveAckGraceSeconds, 0));
            jobs.Schedule<DeliverNotificationJob>(job => job.RunAsync(notification.Id, CancellationToken.None), delay);
        }
    }

    private async Task<bool> IsStoredAsync(Guid firingId, CancellationToken cancellationToken)
    {
        database.ChangeTracker.Clear();
        return await database.Notifications.AnyAsync(notification => notification.FiringId == firingId, cancellationToken);
    }

    private static DeliveryRecord NewDelivery(NotificationRecord notification, string channel, string target, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(),
        NotificationId = notification.Id,
        UserId = notification.UserId,
        Channel = channel,
        Target = target,
        Status = DeliveryStatus.Pending,
        CreatedAt = now,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications: live send of {NotificationId} failed; the push and the list still carry it")]
    private partial void LogLiveFailed(Exception exception, Guid notificationId);
}
