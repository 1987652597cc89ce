namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>Bound from "Webhooks".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Lets http URLs and private, loopback or link-local addresses through. Only tests switch it on.</summary>
    public bool AllowPrivateTargets { get; set; }

    public int TimeoutSeconds { get; set; } = 5;
}
