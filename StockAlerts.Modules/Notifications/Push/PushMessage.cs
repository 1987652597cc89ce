namespace StockAlerts.Modules.Notifications.Push;

/// <summary>
/// One push to one device. Silent means data-only: no banner, normal Android priority, an APNs background push.
/// Platform is "android", "ios" or "web"; null (or anything else) sends every platform's block.
/// </summary>
internal sealed record PushMessage(
    string Token,
    string Title,
    string Body,
    IReadOnlyDictionary<string, string> Data,
    string? CollapseKey = null,
    bool Silent = false,
    string? Platform = null)
{
    /// <summary>The browser subscription's encryption keys (platform "web" only).</summary>
    public WebPushKeys? WebPushKeys { get; init; }

    /// <summary>Every notification in it was shown live and acknowledged (silent for that reason, not quiet hours).</summary>
    public bool SeenLive { get; init; }
}

/// <summary>A browser push subscription's keys, base64url: the P-256 public key and the 16-byte auth secret.</summary>
internal sealed record WebPushKeys(string P256dh, string Auth);
