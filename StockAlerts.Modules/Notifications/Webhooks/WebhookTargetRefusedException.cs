namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>
/// Thrown from inside SocketsHttpHandler.ConnectCallback, the only place that sees the address actually connected
/// to; the handler wraps it in an HttpRequestException, and the sender turns it back into a Refused result.
/// </summary>
internal sealed class WebhookTargetRefusedException(string message) : Exception(message);
