namespace StockAlerts.Modules.Notifications.Webhooks;

internal enum WebhookOutcome
{
    /// <summary>The target answered 2xx.</summary>
    Delivered,

    /// <summary>408, 429, 5xx, a timeout or a network failure: try again later, not before RetryAfter.</summary>
    Retry,

    /// <summary>Any other answer, a redirect included (redirects are never followed): retrying will not help.</summary>
    Rejected,

    /// <summary>Not sent: the URL is not https, or its host resolves to a private, loopback or link-local address.</summary>
    Refused,
}
