namespace StockAlerts.Modules.Notifications.Push;

/// <summary>MessageName is FCM's id of a sent message; ErrorCode is FCM's errorCode (else its status, else "http 4xx").</summary>
internal sealed record PushResult(
    PushOutcome Outcome,
    string? MessageName = null,
    string? ErrorCode = null,
    string? Detail = null,
    TimeSpan? RetryAfter = null)
{
    public const string NotConfiguredDetail = "push not configured";

    public static PushResult NotConfigured { get; } = new(PushOutcome.ConfigurationError, ErrorCode: "not configured", Detail: NotConfiguredDetail);

    public static PushResult Sent(string? messageName) => new(PushOutcome.Sent, messageName);

    public static PushResult Retry(string errorCode, string detail, TimeSpan? retryAfter = null) =>
        new(PushOutcome.Retry, ErrorCode: errorCode, Detail: detail, RetryAfter: retryAfter);

    public static PushResult ConfigurationError(string errorCode, string detail) =>
        new(PushOutcome.ConfigurationError, ErrorCode: errorCode, Detail: detail);
}
