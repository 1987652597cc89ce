using System.Data.Common;
using Hangfire;
using Mediator;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// Stores the firings' notifications, each with one delivery row per device and webhook, in one transaction
/// (nothing new for a firing seen before), tells the users' open apps at once, then schedules the delivery jobs.
/// </summary>
internal sealed partial class StoreOnAlertTriggered(
    NotificationsDbContext database,
    IHubContext<NotificationsHub, INotificationsClient> hub,
    IBackgroundJobClient jobs,
    IOptionsMonitor<NotificationsOptions> options,
    NotificationsMetrics metrics,
    TimeProvider time,
    ILogger<StoreOnAlertTriggered> logger) : INotificationHandler<AlertsTriggered>
{
    public async ValueTask Handle(AlertsTriggered triggered, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.ActivitySource.StartActivity("notifications.store");
        activity?.SetTag("stockalerts.notifications.firings", triggered.Firings.Count);
        var fresh = await NotStoredAsync(triggered.Firings, cancellationToken);
        if (fresh.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var pushUsers = fresh.Where(firing => firing.Channels.Contains("push")).Select(firing => firing.UserId).Distinct().ToList();
        var devices = (pushUsers.Count == 0 ? [] : await database.Devices.AsNoTracking().Where(device => pushUsers.Contains(device.UserId))
            .Select(device => new { device.UserId, device.Id }).ToListAsync(cancellationToken)).ToLookup(device => device.UserId, device => device.Id);
        var notifications = fresh.Select(firing => ToNotification(firing, devices[firing.UserId], now)).ToList();

        try
        {
            await InsertAsync(notifications, cancellationToken);
        }
        catch (DbException) when (notifications.Count > 1)
        {
            // Some firing was stored a moment ago by another handler: each on its own, so the others still count.
            foreach (var firing in fresh)
            {
                await Handle(new AlertsTriggered([firing]), cancellationToken);
            }
            return;
        }
        catch (DbException) when (notifications.Count == 1)
        {
            if (await IsStoredAsync(fresh[0].FiringId, cancellationToken))
            {
                // The same firing, stored a moment ago by another handler.
                return;
            }
            throw;
        }
        metrics.Created(notifications.Count);

        // Each user's in order; users side by side, since with the Redis backplane every send is a round trip and a
        // burst of 100,000 sent one after another held the price batch for seconds.
        await Task.WhenAll(notifications.Where(notification => notification.Live).GroupBy(notification => notification.UserId).Select(async user =>
        {
            foreach (var notification in user)
            {
                await SendLiveAsync(notification, cancellationToken);
            }
        }));
        ScheduleDeliveries(notifications);
    }

    /// <summary>The firings without a notification yet (a firing published again adds nothing), each once.</summary>
    private async Task<List<AlertTriggered>> NotStoredAsync(IReadOnlyList<AlertTriggered> firings, CancellationToken cancellationToken)
    {
        var stored = new HashSet<Guid>();
        foreach (var ids in firings.Select(firing => firing.FiringId).Chunk(1000))
        {
            stored.UnionWith(await database.Notifications.AsNoTracking().Where(notification => ids.Contains(notification.FiringId))
                .Select(notification => notification.FiringId).ToListAsync(cancellationToken));
        }
        return firings.Where(firing => stored.Add(firing.FiringId)).ToList();
    }

    private Task<bool> IsStoredAsync(Guid firingId, CancellationToken cancellationToken) =>
        database.Notifications.AnyAsync(notification => notification.FiringId == firingId, cancellationToken);

    /// <summary>The notifications and their delivery rows in one transaction, written without the change tracker (a burst is thousands).</summary>
    private async Task InsertAsync(List<NotificationRecord> notifications, CancellationToken cancellationToken)
    {
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await new TableCommands(database, typeof(NotificationRecord)).InsertAsync(notifications, cancellationToken);
        await new TableCommands(database, typeof(DeliveryRecord)).InsertAsync(notifications.SelectMany(notification => notification.Deliveries).ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NotificationRecord ToNotification(AlertTriggered firing, IEnumerable<Guid> devices, DateTime now)
    {
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
            Live = firing.Channels.Contains("live"),
        };
        if (firing.Channels.Contains("push"))
        {
            notification.Deliveries.AddRange(devices.Select(device => NewDelivery(notification, "push", device.ToString(), now)));
        }
        if (firing.Channels.Contains("webhook") && firing.WebhookUrl is { } webhookUrl)
        {
            notification.Deliveries.Add(NewDelivery(notification, "webhook", webhookUrl, now));
        }
        return notification;
    }

    private async Task SendLiveAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Clients.User(notification.UserId).NotificationCreated(LiveNotification.Of(notification));
            // Handed to SignalR: whether the user had a connection open is not known here.
            metrics.Delivered("live", DeliveryStatus.Sent);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            metrics.Delivered("live", DeliveryStatus.Failed);
            LogLiveFailed(exception, notification.Id);
        }
    }

    /// <summary>
    /// One delivery run per user for the pushes (a run takes every push row of the user that is due, so the batch's
    /// pushes share it and go out as one digest), and one per notification with a webhook (a run takes only its own
    /// webhook row); the runs are scheduled in batches, one job each.
    /// </summary>
    private void ScheduleDeliveries(List<NotificationRecord> notifications)
    {
        // The delay gives the open app time to acknowledge, and lets a burst of firings share one push.
        var delay = TimeSpan.FromSeconds(Math.Max(options.CurrentValue.LiveAckGraceSeconds, 0));
        var pushScheduled = new HashSet<string>();
        var runs = new List<Guid>();
        foreach (var notification in notifications)
        {
            var webhook = notification.Deliveries.Any(delivery => delivery.Channel == "webhook");
            var firstPush = notification.Deliveries.Any(delivery => delivery.Channel == "push") && pushScheduled.Add(notification.UserId);
            if (webhook || firstPush)
            {
                runs.Add(notification.Id);
            }
        }
        foreach (var batch in runs.Chunk(DeliverBatchJob.BatchSize))
        {
            jobs.Schedule<DeliverBatchJob>(job => job.RunAsync(batch, CancellationToken.None), delay);
        }
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
