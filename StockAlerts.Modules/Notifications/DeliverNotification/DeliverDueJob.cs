using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Notifications.Data;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// The safety net behind the scheduled delivery jobs: picks up rows whose job never ran (the process stopped between
/// storing the notification and scheduling it) or whose run died holding the claim.
/// </summary>
internal sealed class DeliverDueJob(NotificationsDbContext database, DeliverNotificationJob deliver, IOptionsMonitor<NotificationsOptions> options, TimeProvider time)
{
    public const string JobId = "notifications:deliver-due";

    private static readonly TimeSpan Overdue = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var overdue = now - Overdue;
        var abandoned = now - TimeSpan.FromSeconds(options.CurrentValue.ClaimSeconds);
        // Only rows that may still be delivered: older ones are past the delivery deadline (a late price alert is
        // worse than none), and without this bound every run read the whole delivery table (0.35 s at 200,000 rows).
        var oldest = now - TimeSpan.FromSeconds(options.CurrentValue.DeliveryDeadlineSeconds + options.CurrentValue.ClaimSeconds);
        var notificationIds = await database.Deliveries
            .Where(delivery => delivery.CreatedAt >= oldest)
            .Where(delivery => (delivery.Status == DeliveryStatus.Pending && (delivery.NextAttemptAt ?? delivery.CreatedAt) < overdue)
                || (delivery.Status == DeliveryStatus.Sending && delivery.ClaimedAt < abandoned))
            .Select(delivery => delivery.NotificationId)
            .Distinct()
            .OrderBy(id => id) // version-7 ids: oldest first
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var notificationId in notificationIds)
        {
            await deliver.RunAsync(notificationId, cancellationToken);
        }
    }
}
