using System.ComponentModel;
namespace StockAlerts.Modules.Notifications.Live;

/// <summary>Public on purpose: SignalR's typed proxy is generated in another assembly and fails at runtime for an internal interface.</summary>
public interface INotificationsClient
{
    [Description("A notification of the signed-in user was stored (on every open connection of that user). Call Ack with its id once it is shown: until one of the user's connections acknowledges it, each open connection gets it again, up to 3 times; de-duplicate by id.")]
    Task NotificationCreated(LiveNotification notification);
}

public sealed record LiveNotification(Guid Id, Guid RuleId, string Symbol, decimal Price, string Title, string Body, DateTime Time)
{
    internal static LiveNotification Of(Data.NotificationRecord notification) =>
        new(notification.Id, notification.RuleId, notification.Symbol, notification.Price, notification.Title, notification.Body, notification.CreatedAt);
}
