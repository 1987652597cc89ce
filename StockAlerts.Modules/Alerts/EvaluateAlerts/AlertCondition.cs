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

    /// <summary>
    /// Set for a condition on indicators: Type is then the operator and Level (or Lower and Upper) the thresholds on
    /// the rule's series (<see cref="Indicators.SeriesKey"/>), not on the price.
    /// </summary>
    public Indicators.IndicatorCondition? Indicator { get; init; }

    /// <summary>Set when Type is Compound: the parts and how they combine.</summary>
    public CompoundCondition? Compound { get; init; }
}
