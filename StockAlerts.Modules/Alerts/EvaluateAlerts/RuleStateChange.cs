namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record RuleStateChange(Guid RuleId, RuleState State, string? Reason, long Version, DateTime Time)
{
    /// <summary>The stored version the change was computed from: saved only while the stored rule is still that one.</summary>
    public long StoredVersion { get; init; }
}
