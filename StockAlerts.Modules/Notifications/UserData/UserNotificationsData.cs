using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Contracts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.UserData;

/// <summary>A user's notifications, deliveries, devices and preferences: exported on request, erased with the account.</summary>
internal sealed class UserNotificationsData(NotificationsDbContext database) :
    INotificationHandler<UserDataErasing>,
    IQueryHandler<ExportUserNotifications, UserNotificationsExport>
{
    public async ValueTask Handle(UserDataErasing notification, CancellationToken cancellationToken)
    {
        var userId = notification.UserId;
        await database.Deliveries.Where(delivery => delivery.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await database.Notifications.Where(item => item.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await database.Devices.Where(device => device.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await database.Preferences.Where(preferences => preferences.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    public async ValueTask<UserNotificationsExport> Handle(ExportUserNotifications query, CancellationToken cancellationToken)
    {
        var userId = query.UserId;
        var notifications = await database.Notifications.AsNoTracking().Where(item => item.UserId == userId).OrderBy(item => item.CreatedAt)
            .Select(item => new ExportedNotification(item.Id, item.RuleId, item.Symbol, item.Price, item.Title, item.Body, item.CreatedAt, item.ReadAt, item.DismissedAt, item.Action))
            .ToListAsync(cancellationToken);
        var devices = await database.Devices.AsNoTracking().Where(device => device.UserId == userId)
            .Select(device => new ExportedDevice(device.Id, device.Platform, device.AppVersion, device.CreatedAt, device.LastSeenAt))
            .ToListAsync(cancellationToken);
        var preferences = await database.Preferences.AsNoTracking().SingleOrDefaultAsync(item => item.UserId == userId, cancellationToken);
        return new UserNotificationsExport(notifications, devices, preferences is null ? null : new ExportedPreferences(
            preferences.DefaultChannels.Split(',', StringSplitOptions.RemoveEmptyEntries), preferences.QuietFrom?.ToString("HH:mm"), preferences.QuietTo?.ToString("HH:mm"),
            preferences.TimeZone, preferences.Digest));
    }
}
