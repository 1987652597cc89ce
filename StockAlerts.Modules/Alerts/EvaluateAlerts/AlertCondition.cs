namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record AlertCondition(ConditionType Type)
{
    public decimal? Level { get; init; }
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }
    public decimal? Amount { get; init; }
    public decimal? Percent { get; init; }
    public int? WindowMinutes { get; init; }
    public ReferenceKind? Reference { get; init; }
    public decimal? ReferencePrice { get; init; }
}
