using System.Text.Json;
using Hangfire;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Modules.Notifications.WebPush;
using StockAlerts.Modules.Notifications.Webhooks;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// Delivers a notification's push and webhook rows (the job's only argument is the notification id). Rows are
/// claimed with a conditional update first, so two runs never send the same row; a row that was sent is never
/// sent again; a run that died mid-way leaves its claim to expire and the next run takes the row over. Push rows
/// of the same user that are due together go out as one digest push per device.
/// </summary>
internal sealed partial class DeliverNotificationJob(
    NotificationsDbContext database,
    IPushSender push,
    WebPushSender webPush,
    IWebhookSender webhooks,
    IMediator mediator,
    IBackgroundJobClient jobs,
    PushHealth health,
    SentMemo memo,
    NotificationsMetrics metrics,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider time,
    ILogger<DeliverNotificationJob> logger)
{
    private const string WebPlatform = "web";

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid notificationId, CancellationToken cancellationToken)
    {
        // Hangfire runs this outside any request, so without a span of its own its queries and sends have no parent.
        using var activity = Telemetry.ActivitySource.StartActivity("notifications.deliver");
        activity?.SetTag("stockalerts.notification.id", notificationId.ToString());
        var notification = await database.Notifications.AsNoTracking().SingleOrDefaultAsync(candidate => candidate.Id == notificationId, cancellationToken);
        if (notification is null)
        {
            return;
        }
        var claimed = await ClaimAsync(notification, cancellationToken);
        // A run that sent rows and then lost the database left them claimed: they are recorded, not sent again.
        if (await memo.RecallAsync(claimed) is { Count: > 0 } sentBefore)
        {
            var done = claimed.Where(delivery => sentBefore.ContainsKey(delivery.Id)).ToList();
            foreach (var delivery in done)
            {
                delivery.Receipt = sentBefore[delivery.Id] is { Length: > 0 } receipt ? receipt : null;
            }
            Finish(done, DeliveryStatus.Sent, null, time.GetUtcNow().UtcDateTime);
            await SaveAsync(cancellationToken);
            claimed = claimed.Except(done).ToList();
        }
        if (claimed.Count == 0)
        {
            return;
        }
        var notifications = await database.Notifications.AsNoTracking()
            .Where(candidate => claimed.Select(delivery => delivery.NotificationId).Contains(candidate.Id))
            .ToDictionaryAsync(candidate => candidate.Id, cancellationToken);

        // Every claimed row is the user's: their preferences and devices are read once for all of them.
        var preferences = await database.Preferences.AsNoTracking().SingleOrDefaultAsync(candidate => candidate.UserId == notification.UserId, cancellationToken);
        var deviceIds = claimed.Where(delivery => delivery.Channel == "push").Select(delivery => Guid.TryParse(delivery.Target, out var id) ? id : Guid.Empty).Distinct().ToList();
        var devices = await database.Devices.Where(device => deviceIds.Contains(device.Id)).ToDictionaryAsync(device => device.Id.ToString(), cancellationToken);

        // Saved after every send: a run that dies later must not leave a delivered row looking undelivered.
        foreach (var device in claimed.Where(delivery => delivery.Channel == "push").GroupBy(delivery => delivery.Target))
        {
            await DeliverPushAsync(devices.GetValueOrDefault(device.Key), device.OrderBy(delivery => delivery.CreatedAt).ToList(), notifications, preferences, cancellationToken);
            await SaveAsync(cancellationToken);
        }
        foreach (var delivery in claimed.Where(delivery => delivery.Channel == "webhook"))
        {
            await DeliverWebhookAsync(delivery, notifications[delivery.NotificationId], cancellationToken);
            await SaveAsync(cancellationToken);
        }
    }

    private async Task<List<DeliveryRecord>> ClaimAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        var expired = now - TimeSpan.FromSeconds(options.CurrentValue.ClaimSeconds);
        // Other notifications' pushes join this one only once their own grace for a live Ack is (nearly) over.
        var graceOver = now - TimeSpan.FromSeconds(options.CurrentValue.LiveAckGraceSeconds) + TimeSpan.FromSeconds(1);
        await database.Deliveries
            .Where(delivery => delivery.UserId == notification.UserId
                && (delivery.NotificationId == notification.Id || (delivery.Channel == "push" && delivery.CreatedAt <= graceOver))
                && ((delivery.Status == DeliveryStatus.Pending && (delivery.NextAttemptAt == null || delivery.NextAttemptAt <= now))
                    || (delivery.Status == DeliveryStatus.Sending && delivery.ClaimedAt < expired)))
            .ExecuteUpdateAsync(delivery => delivery
                .SetProperty(column => column.Status, DeliveryStatus.Sending)
                .SetProperty(column => column.ClaimedAt, now)
                .SetProperty(column => column.ClaimToken, token), cancellationToken);
        // Only the user's rows were claimed: asking by user reads them by index (the token alone has none, and a
        // burst leaves hundreds of thousands of rows to scan for every job).
        return await database.Deliveries.Where(delivery => delivery.UserId == notification.UserId && delivery.ClaimToken == token).ToListAsync(cancellationToken);
    }

    private async Task DeliverPushAsync(DeviceRecord? device, List<DeliveryRecord> deliveries, IReadOnlyDictionary<Guid, NotificationRecord> notifications,
        PreferencesRecord? preferences, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Browsers are reached by Web Push, which needs no set-up; phones through FCM, which does.
        if (device?.Platform != WebPlatform && !push.IsConfigured)
        {
            Finish(deliveries, DeliveryStatus.Skipped, PushResult.NotConfiguredDetail, now);
            return;
        }
        if (device is null)
        {
            Finish(deliveries, DeliveryStatus.Failed, "device removed", now);
            return;
        }

        if (device.UserId != deliveries[0].UserId)
        {
            Finish(deliveries, DeliveryStatus.Failed, "the device now belongs to another account", now);
            return;
        }

        var groups = preferences?.Digest == false ? deliveries.Select(delivery => new List<DeliveryRecord> { delivery }).ToList() : [deliveries];
        foreach (var group in groups)
        {
            if (!await SendPushAsync(device, group, notifications, preferences, cancellationToken))
            {
                // The device is gone: the rest of its rows cannot be sent either.
                Finish(groups.SkipWhile(candidate => candidate != group).Skip(1).SelectMany(candidate => candidate), DeliveryStatus.Failed, "device removed", now);
                return;
            }
        }
    }

    /// <summary>One push (a single notification or a digest); false when the device turned out to be gone.</summary>
    private async Task<bool> SendPushAsync(DeviceRecord device, List<DeliveryRecord> deliveries, IReadOnlyDictionary<Guid, NotificationRecord> notifications,
        PreferencesRecord? preferences, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var shown = deliveries.Select(delivery => notifications[delivery.NotificationId]).ToList();
        // Seen live and acknowledged by the app, or inside the user's quiet hours: data only, no second banner.
        var seenLive = shown.All(notification => notification.LiveAckedAt is not null);
        var silent = seenLive || QuietHours.Contains(preferences, now);
        var message = (shown.Count == 1 ? Single(device, shown[0], silent) : Digest(device, shown, silent)) with
        {
            SeenLive = seenLive,
            WebPushKeys = device is { WebPushP256dh: { } p256dh, WebPushAuth: { } auth } ? new WebPushKeys(p256dh, auth) : null,
        };
        var result = device.Platform == WebPlatform ? await webPush.SendAsync(message, cancellationToken) : await push.SendAsync(message, cancellationToken);
        switch (result.Outcome)
        {
            case PushOutcome.Sent:
                health.ReportSent();
                await memo.RememberAsync(deliveries, result.MessageName);
                foreach (var delivery in deliveries)
                {
                    delivery.Receipt = result.MessageName;
                    delivery.Silent = silent;
                }
                Finish(deliveries, DeliveryStatus.Sent, null, now);
                return true;
            case PushOutcome.Unregistered or PushOutcome.InvalidToken:
                LogDeviceRemoved(device.Id, result.ErrorCode ?? result.Outcome.ToString());
                database.Devices.Remove(device);
                Finish(deliveries, DeliveryStatus.Failed, $"{result.ErrorCode}: device token no longer valid, device removed", now);
                return false;
            case PushOutcome.Retry:
                Reschedule(deliveries, result.ErrorCode, result.RetryAfter, now);
                return true;
            case PushOutcome.ConfigurationError:
                LogConfiguration(result.ErrorCode, result.Detail);
                health.ReportConfigurationError($"{result.ErrorCode}: {result.Detail}");
                Finish(deliveries, DeliveryStatus.Failed, $"configuration: {result.ErrorCode} {result.Detail}", now);
                return true;
            default:
                Finish(deliveries, DeliveryStatus.Failed, $"rejected: {result.ErrorCode} {result.Detail}", now);
                return true;
        }
    }

    private async Task DeliverWebhookAsync(DeliveryRecord delivery, NotificationRecord notification, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var webhook = await mediator.Send(new GetRuleWebhook(notification.RuleId, notification.UserId), cancellationToken);
        if (webhook is null || webhook.Url != delivery.Target)
        {
            Finish([delivery], DeliveryStatus.Failed, "the rule or its webhook is gone", now);
            return;
        }
        var body = JsonSerializer.Serialize(new
        {
            notification = new { id = notification.Id, title = notification.Title, body = notification.Body, createdAt = notification.CreatedAt },
            rule = new { id = notification.RuleId, kind = notification.Kind, level = notification.Level.Normalize() },
            price = new { symbol = notification.Symbol, price = notification.Price.Normalize() },
        }, JsonSerializerOptions.Web);
        var result = await webhooks.SendAsync(new WebhookMessage(webhook.Url, webhook.Secret, notification.Id.ToString(), body), cancellationToken);
        switch (result.Outcome)
        {
            case WebhookOutcome.Delivered:
                await memo.RememberAsync([delivery], result.StatusCode?.ToString());
                delivery.Receipt = result.StatusCode?.ToString();
                Finish([delivery], DeliveryStatus.Sent, null, now);
                break;
            case WebhookOutcome.Retry:
                Reschedule([delivery], result.Detail, result.RetryAfter, now);
                break;
            default:
                Finish([delivery], DeliveryStatus.Failed, $"{result.Outcome}: {result.Detail}", now);
                break;
        }
    }

    private void Reschedule(List<DeliveryRecord> deliveries, string? error, TimeSpan? retryAfter, DateTime now)
    {
        var settings = options.CurrentValue;
        foreach (var delivery in deliveries)
        {
            delivery.Attempts++;
            delivery.LastError = error;
            delivery.ClaimToken = null;
            var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, delivery.Attempts)));
            var next = now + (retryAfter > backoff ? retryAfter.Value : backoff);
            // A delivery row is created with its notification, at the same moment.
            var deadline = delivery.CreatedAt.AddSeconds(settings.DeliveryDeadlineSeconds);
            if (delivery.Attempts >= settings.MaxAttempts || next > deadline)
            {
                delivery.Status = DeliveryStatus.Failed;
                delivery.LastError = $"gave up after {delivery.Attempts} attempt(s): {error}";
                metrics.Delivered(delivery.Channel, DeliveryStatus.Failed);
                continue;
            }
            metrics.Delivered(delivery.Channel, NotificationsMetrics.Retry);
            delivery.Status = DeliveryStatus.Pending;
            delivery.NextAttemptAt = next;
            var notificationId = delivery.NotificationId;
            // Hangfire keeps schedules in whole seconds and may start a job up to a second early: leave that second.
            jobs.Schedule<DeliverNotificationJob>(job => job.RunAsync(notificationId, CancellationToken.None), next - now + TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Writes what this run changed, in one transaction. Rows that ended alike (a digest's rows) share one UPDATE,
    /// where SaveChanges would send one per row: a burst of 100 firings for a user with two phones is 200 rows.
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!database.ChangeTracker.HasChanges())
        {
            return;
        }
        var changed = database.ChangeTracker.Entries<DeliveryRecord>().Where(entry => entry.State == EntityState.Modified).ToList();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        foreach (var alike in changed.GroupBy(entry => (entry.Entity.Status, entry.Entity.Attempts, entry.Entity.LastError, entry.Entity.ClaimToken,
            entry.Entity.DeliveredAt, entry.Entity.Receipt, entry.Entity.Silent, entry.Entity.NextAttemptAt)))
        {
            var ids = alike.Select(entry => entry.Entity.Id).ToList();
            var values = alike.Key;
            await database.Deliveries.Where(delivery => ids.Contains(delivery.Id)).ExecuteUpdateAsync(delivery => delivery
                .SetProperty(column => column.Status, values.Status)
                .SetProperty(column => column.Attempts, values.Attempts)
                .SetProperty(column => column.LastError, values.LastError)
                .SetProperty(column => column.ClaimToken, values.ClaimToken)
                .SetProperty(column => column.DeliveredAt, values.DeliveredAt)
                .SetProperty(column => column.Receipt, values.Receipt)
                .SetProperty(column => column.Silent, values.Silent)
                .SetProperty(column => column.NextAttemptAt, values.NextAttemptAt), cancellationToken);
            foreach (var entry in alike)
            {
                entry.State = EntityState.Unchanged;
            }
        }
        // What is left: a device removed because its push service said it is gone.
        await database.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private void Finish(IEnumerable<DeliveryRecord> deliveries, string status, string? error, DateTime now)
    {
        foreach (var delivery in deliveries)
        {
            metrics.Delivered(delivery.Channel, status);
            delivery.Attempts++;
            delivery.Status = status;
            delivery.LastError = error;
            delivery.ClaimToken = null;
            delivery.DeliveredAt = status == DeliveryStatus.Sent ? now : null;
        }
    }

    private static PushMessage Single(DeviceRecord device, NotificationRecord notification, bool silent) => new(
        device.Token,
        notification.Title,
        notification.Body,
        new Dictionary<string, string>
        {
            ["notificationId"] = notification.Id.ToString(),
            ["ruleId"] = notification.RuleId.ToString(),
            ["symbol"] = notification.Symbol,
            ["price"] = notification.Price.Normalize().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["kind"] = notification.Kind,
        },
        CollapseKey: notification.RuleId.ToString("N"),
        Silent: silent,
        Platform: device.Platform);

    private static PushMessage Digest(DeviceRecord device, List<NotificationRecord> notifications, bool silent)
    {
        var symbols = notifications.Select(notification => notification.Symbol).Distinct().ToList();
        var title = $"{notifications.Count} alerts: {string.Join(", ", symbols.Take(4))}{(symbols.Count > 4 ? ", …" : "")}";
        return new PushMessage(
            device.Token,
            title,
            // What happened, a sentence each, newest last; the rest is counted (the app lists them all).
            string.Join("\n", notifications.TakeLast(5).Select(notification => notification.Body))
                + (notifications.Count > 5 ? $"\n…and {notifications.Count - 5} more." : ""),
            new Dictionary<string, string>
            {
                ["notificationId"] = notifications[^1].Id.ToString(),
                // FCM data is capped at 4 KB: the app fetches the rest with GET /api/notifications.
                ["notificationIds"] = string.Join(',', notifications.TakeLast(20).Select(notification => notification.Id)),
                ["symbol"] = string.Join(',', symbols),
                ["kind"] = "digest",
            },
            CollapseKey: "digest",
            Silent: silent,
            Platform: device.Platform);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: device {DeviceId} removed: its push service answered {Error}")]
    private partial void LogDeviceRemoved(Guid deviceId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notifications: FCM refused the push as a configuration problem ({Error}): {Detail}. Check the service account and project id.")]
    private partial void LogConfiguration(string? error, string? detail);
}
