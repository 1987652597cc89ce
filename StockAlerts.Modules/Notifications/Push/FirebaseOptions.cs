namespace StockAlerts.Modules.Notifications.Push;

/// <summary>Bound from "Firebase". Push stays off (deliveries are skipped) until a service-account key file is configured.</summary>
public sealed class FirebaseOptions
{
    public const string Section = "Firebase";
    public const string CredentialsEnvironmentVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary>The service-account JSON key file; when empty, the file named by GOOGLE_APPLICATION_CREDENTIALS.</summary>
    public string? CredentialsPath { get; set; }

    /// <summary>When empty, the key file's project_id.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Everything before /v1/projects/...; tests point it at a local fake.</summary>
    public string BaseUrl { get; set; } = "https://fcm.googleapis.com";

    public int MaxConcurrentRequests { get; set; } = 20;

    /// <summary>How long FCM keeps a message for an offline device (Android ttl, APNs expiration, web push TTL).</summary>
    public int TimeToLiveSeconds { get; set; } = 3600;

    public int RequestTimeoutSeconds { get; set; } = 10;
}
