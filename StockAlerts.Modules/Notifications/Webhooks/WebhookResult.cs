namespace StockAlerts.Modules.Notifications.Webhooks;

internal sealed record WebhookResult(WebhookOutcome Outcome, int? StatusCode = null, string? Detail = null, TimeSpan? RetryAfter = null);
