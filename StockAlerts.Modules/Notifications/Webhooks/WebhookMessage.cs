namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>Body is the JSON text sent; the signature covers exactly its UTF-8 bytes.</summary>
internal sealed record WebhookMessage(string Url, string Secret, string NotificationId, string Body)
{
    // The secret must never reach a log through a record's generated ToString.
    public override string ToString() => $"webhook for notification {NotificationId}";
}
