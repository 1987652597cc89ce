namespace StockAlerts.Modules.Notifications.Push;

internal enum PushOutcome
{
    Sent,

    /// <summary>FCM no longer knows the token (app uninstalled, token expired): delete the device, never retry.</summary>
    Unregistered,

    /// <summary>The token is malformed: delete the device, never retry.</summary>
    InvalidToken,

    /// <summary>Transient (429, 500, 503, timeout, network): try again later, not before RetryAfter.</summary>
    Retry,

    /// <summary>Credentials, permissions or project set-up are wrong; retrying will not help until someone fixes them.</summary>
    ConfigurationError,

    /// <summary>FCM refused this message (bad payload); retrying will not help.</summary>
    Rejected,
}
