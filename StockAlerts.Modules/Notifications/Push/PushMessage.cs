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
    string? Platform = null);
