using Mediator;

namespace StockAlerts.Modules.Notifications.Contracts;

/// <summary>Everything the Notifications module holds of a user, for the account export.</summary>
public sealed record ExportUserNotifications(string UserId) : IQuery<UserNotificationsExport>;

public sealed record UserNotificationsExport(
    IReadOnlyList<ExportedNotification> Notifications,
    IReadOnlyList<ExportedDevice> Devices,
    ExportedPreferences? Preferences);

public sealed record ExportedNotification(
    Guid Id,
    Guid RuleId,
    string Symbol,
    decimal Price,
    string Title,
    string Body,
    DateTime CreatedAt,
    DateTime? ReadAt,
    DateTime? DismissedAt,
    string? Action);

public sealed record ExportedDevice(Guid Id, string Platform, string? AppVersion, DateTime CreatedAt, DateTime LastSeenAt);

public sealed record ExportedPreferences(IReadOnlyList<string> DefaultChannels, string? QuietFrom, string? QuietTo, string TimeZone, bool Digest);
