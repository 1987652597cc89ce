namespace StockAlerts.Modules.Notifications.Data;

/// <summary>What the user sees for one firing; unique per firing, so a repeated event stores nothing new.</summary>
internal sealed class NotificationRecord
{
    /// <summary>Time-ordered (v7), so it is also the cursor for paging and catch-up.</summary>
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public Guid FiringId { get; set; }

    public Guid RuleId { get; set; }

    public required string Symbol { get; set; }

    public decimal Price { get; set; }

    public decimal Level { get; set; }

    public required string Kind { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }

    public DateTime? DismissedAt { get; set; }

    public DateTime? ActedAt { get; set; }

    public string? Action { get; set; }

    /// <summary>When the open app confirmed it showed the notification live; the push then goes out silent.</summary>
    public DateTime? LiveAckedAt { get; set; }

    /// <summary>Its rule asked for the live channel: open connections get it until one acknowledges it (LiveRedelivery).</summary>
    public bool Live { get; set; }

    public List<DeliveryRecord> Deliveries { get; set; } = [];
}

internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

/// <summary>One channel and target of a notification (a device for push, the URL for a webhook).</summary>
internal sealed class DeliveryRecord
{
    public Guid Id { get; set; }

    public Guid NotificationId { get; set; }

    public required string UserId { get; set; }

    public required string Channel { get; set; }

    /// <summary>The device id for push, the URL for a webhook.</summary>
    public required string Target { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>FCM's message name, or the webhook's HTTP status, once delivered.</summary>
    public string? Receipt { get; set; }

    public bool Silent { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ClaimedAt { get; set; }

    /// <summary>Which run of the delivery job holds this row; a run that dies leaves it to be reclaimed after a lease.</summary>
    public Guid? ClaimToken { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

internal sealed class DeviceRecord
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public required string Token { get; set; }

    public required string Platform { get; set; }

    public string? AppVersion { get; set; }

    /// <summary>For a browser (platform "web"): the subscription's P-256 key and auth secret; Token is its endpoint.</summary>
    public string? WebPushP256dh { get; set; }

    public string? WebPushAuth { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastSeenAt { get; set; }
}

internal sealed class PreferencesRecord
{
    public required string UserId { get; set; }

    public string DefaultChannels { get; set; } = "push,live";

    public TimeOnly? QuietFrom { get; set; }

    public TimeOnly? QuietTo { get; set; }

    public string TimeZone { get; set; } = "UTC";

    public bool Digest { get; set; } = true;
}
