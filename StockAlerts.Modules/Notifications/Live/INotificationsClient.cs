namespace StockAlerts.Modules.Notifications.Live;

/// <summary>Public on purpose: SignalR's typed proxy is generated in another assembly and fails at runtime for an internal interface.</summary>
public interface INotificationsClient
{
    Task NotificationCreated(LiveNotification notification);
}

public sealed record LiveNotification(Guid Id, Guid RuleId, string Symbol, decimal Price, string Title, string Body, DateTime Time);
