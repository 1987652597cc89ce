using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Notifications.Data;

namespace StockAlerts.Modules.Notifications.Live;

/// <summary>
/// Sends a live notification again to the user's connections open on this instance while no connection of the user
/// has acknowledged it. The first send goes out once, through the backplane, right after the notification is
/// stored; it is lost when Redis is away at that moment, when the instance that stored it dies before sending, or
/// while the app's connection moves to another instance. The stored notification and its acknowledgement are the
/// record, so every instance can see what is still unacknowledged and send it to its own connections directly.
/// </summary>
internal sealed partial class LiveRedelivery(
    LiveConnections connections,
    IServiceScopeFactory scopes,
    IHubContext<NotificationsHub, INotificationsClient> hub,
    IOptionsMonitor<NotificationsOptions> options,
    NotificationsMetrics metrics,
    TimeProvider time,
    ILogger<LiveRedelivery> logger) : BackgroundService
{
    /// <summary>At most this many sends again per connection and notification: an app that never acknowledges is not flooded.</summary>
    public const int MostResends = 3;

    /// <summary>Only notifications this recent: an app opened later catches up from the inbox, not live.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private bool failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.CurrentValue.LiveResendSeconds;
        if (seconds == 0)
        {
            return;
        }
        var every = TimeSpan.FromSeconds(seconds);
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(every, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One look at the open connections' users: their unacknowledged live notifications older than one period.</summary>
    private async Task SweepAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        var open = connections.Snapshot();
        if (open.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var byUser = open.ToLookup(connection => connection.UserId);
            foreach (var users in byUser.Select(user => user.Key).Chunk(500))
            {
                var due = await UnacknowledgedAsync(database, users, now - Window, now - every, cancellationToken);
                await SendAsync(byUser, due, now, every);
            }
            if (failing)
            {
                failing = false;
                LogResumed();
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The next period tries again; one line for a run of failures, not one per period.
            if (!failing)
            {
                failing = true;
                LogFailed(exception.GetType().Name, every.TotalSeconds);
            }
        }
        foreach (var connection in open)
        {
            connection.Forget(now - Window);
        }
    }

    private static Task<List<NotificationRecord>> UnacknowledgedAsync(NotificationsDbContext database, string[] users, DateTime since, DateTime until, CancellationToken cancellationToken) =>
        database.Notifications.AsNoTracking()
            .Where(notification => users.Contains(notification.UserId) && notification.CreatedAt >= since && notification.CreatedAt <= until
                && notification.Live && notification.LiveAckedAt == null && notification.ReadAt == null && notification.DismissedAt == null)
            .OrderBy(notification => notification.CreatedAt)
            .Take(5_000)
            .ToListAsync(cancellationToken);

    private async Task SendAsync(ILookup<string, LiveConnections.Connection> byUser, List<NotificationRecord> due, DateTime now, TimeSpan every)
    {
        foreach (var notification in due)
        {
            foreach (var connection in byUser[notification.UserId])
            {
                if (connection.TakeResend(notification.Id, MostResends, now, every))
                {
                    // This instance's own connection: written to it directly, not through the backplane.
                    await hub.Clients.Client(connection.Id).NotificationCreated(LiveNotification.Of(notification));
                    metrics.Delivered("live", "resent");
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifications: could not look for unacknowledged live notifications ({Error}); trying again every {Seconds} s")]
    private partial void LogFailed(string error, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: looking for unacknowledged live notifications again")]
    private partial void LogResumed();
}
