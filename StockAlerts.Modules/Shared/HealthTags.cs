namespace StockAlerts.Modules.Shared;

public static class HealthTags
{
    /// <summary>Checks with this tag make up /health/ready.</summary>
    public const string Ready = "ready";
}
