namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>POSTs one signed notification to a user's URL. Never retries: the delivery job owns retries and backoff.</summary>
internal interface IWebhookSender
{
    Task<WebhookResult> SendAsync(WebhookMessage message, CancellationToken cancellationToken);
}
