using Microsoft.EntityFrameworkCore;

namespace StockAlerts.Modules.Notifications.Data;

internal static class OwnedNotifications
{
    /// <summary>The notification if it belongs to the user; another user's is not found, like a missing one.</summary>
    public static Task<NotificationRecord?> FindOwnedAsync(this IQueryable<NotificationRecord> notifications, Guid id, string userId, CancellationToken cancellationToken) =>
        notifications.SingleOrDefaultAsync(notification => notification.Id == id && notification.UserId == userId, cancellationToken);
}
