namespace StockAlerts.Modules.Notifications.Push;

/// <summary>Sends one push through FCM. Never retries: the delivery job owns retries, backoff and Retry-After.</summary>
internal interface IPushSender
{
    /// <summary>False without service-account credentials; every send then reports "push not configured" without I/O.</summary>
    bool IsConfigured { get; }

    Task<PushResult> SendAsync(PushMessage message, CancellationToken cancellationToken);
}
