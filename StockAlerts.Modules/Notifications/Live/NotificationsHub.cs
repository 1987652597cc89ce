using System.ComponentModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.Live;

/// <summary>
/// The user's notifications, live, on every open connection of that user (Clients.User). The app calls Ack when it
/// has shown one, so the phone does not get a second banner for it.
/// </summary>
[Authorize]
internal sealed class NotificationsHub(NotificationsDbContext database, LiveConnections connections, Telemetry telemetry, TimeProvider time) : Hub<INotificationsClient>
{
    private const string HubName = "notifications";

    public override Task OnConnectedAsync()
    {
        telemetry.HubConnected(HubName);
        connections.Opened(Context.ConnectionId, Context.User!.GetUserId());
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        telemetry.HubDisconnected(HubName);
        connections.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    [Description("Says the open app showed this notification: its push then goes out silent (no second banner) and it is not sent live again. Answers false when it was unknown or already acknowledged.")]
    public async Task<bool> Ack(Guid notificationId)
    {
        var userId = Context.User!.GetUserId();
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await database.Notifications
            .Where(notification => notification.Id == notificationId && notification.UserId == userId && notification.LiveAckedAt == null)
            .ExecuteUpdateAsync(notification => notification.SetProperty(column => column.LiveAckedAt, now), Context.ConnectionAborted);
        return updated == 1;
    }
}
