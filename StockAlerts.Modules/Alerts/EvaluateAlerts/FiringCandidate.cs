namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record FiringCandidate(
    Guid RuleId,
    string UserId,
    string Symbol,
    decimal Price,
    decimal ComparedValue,
    string Description,
    DateTime Time)
{
    // The rule's fire count after this firing: with the rule id, the unique key of the firing row.
    public int Sequence { get; init; }

    public long Version { get; init; }

    /// <summary>The stored version this firing applies onto; the database refuses it onto any other.</summary>
    public long StoredVersion { get; init; }
    public RuleState State { get; init; }
    public string? Reason { get; init; }

    /// <summary>The direction a crossing went, for describing it again in the instrument's style.</summary>
    public CrossDirection? Direction { get; init; }

    public decimal Change => Price - ComparedValue;

    public decimal ChangePercent => ComparedValue == 0 ? 0 : Change * 100 / ComparedValue;
}
