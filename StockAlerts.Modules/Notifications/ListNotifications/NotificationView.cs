using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Notifications.ListNotifications;

internal sealed record NotificationView(
    Guid Id,
    Guid RuleId,
    string Symbol,
    decimal Price,
    decimal Level,
    string Kind,
    string Title,
    string Body,
    DateTime CreatedAt,
    DateTime? ReadAt,
    DateTime? DismissedAt,
    DateTime? ActedAt,
    string? Action,
    IReadOnlyList<DeliveryView>? Deliveries,
    string Cursor)
{
    public static NotificationView From(NotificationRecord notification, bool withDeliveries = false) => new(
        notification.Id, notification.RuleId, notification.Symbol, notification.Price.Normalize(), notification.Level.Normalize(), notification.Kind, notification.Title,
        notification.Body, notification.CreatedAt, notification.ReadAt, notification.DismissedAt, notification.ActedAt, notification.Action,
        withDeliveries
            ? notification.Deliveries.OrderBy(delivery => delivery.CreatedAt)
                .Select(delivery => new DeliveryView(delivery.Channel, delivery.Channel == "push" ? "device " + delivery.Target : delivery.Target,
                    delivery.Status, delivery.Attempts, delivery.Silent, delivery.LastError, delivery.DeliveredAt)).ToList()
            : null,
        ListNotificationsRequest.Cursor(notification));
}

internal sealed record DeliveryView(string Channel, string Target, string Status, int Attempts, bool Silent, string? LastError, DateTime? DeliveredAt);
