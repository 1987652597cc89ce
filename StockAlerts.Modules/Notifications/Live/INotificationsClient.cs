using System.ComponentModel;
namespace StockAlerts.Modules.Notifications.Live;

/// <summary>Public on purpose: SignalR's typed proxy is generated in another assembly and fails at runtime for an internal interface.</summary>
public interface INotificationsClient
{
    [Description("A notification of the signed-in user was stored (on every open connection of that user). Call Ack with its id once it is shown.")]
    Task NotificationCreated(LiveNotification notification);
}

public sealed record LiveNotification(Guid Id, Guid RuleId, string Symbol, decimal Price, string Title, string Body, DateTime Time);
