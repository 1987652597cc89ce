namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <remarks>
/// Every rule holds one, so its optional values are kept as a value and a flag (a nullable decimal is padded to a
/// word more): 144 bytes, not 200. Equality, hashing and <c>with</c> are the record's, over these fields.
/// </remarks>
internal sealed record AlertCondition(ConditionType Type)
{
    private decimal level;
    private decimal lower;
    private decimal upper;
    private decimal amount;
    private decimal percent;
    private decimal referencePrice;
    private int windowMinutes;
    private ReferenceKind reference;
    private Has has;

    public decimal? Level
    {
        get => Get(level, Has.Level);
        init => level = Set(value, Has.Level);
    }

    public decimal? Lower
    {
        get => Get(lower, Has.Lower);
        init => lower = Set(value, Has.Lower);
    }

    public decimal? Upper
    {
        get => Get(upper, Has.Upper);
        init => upper = Set(value, Has.Upper);
    }

    public decimal? Amount
    {
        get => Get(amount, Has.Amount);
        init => amount = Set(value, Has.Amount);
    }

    public decimal? Percent
    {
        get => Get(percent, Has.Percent);
        init => percent = Set(value, Has.Percent);
    }

    public int? WindowMinutes
    {
        get => Get(windowMinutes, Has.WindowMinutes);
        init => windowMinutes = Set(value, Has.WindowMinutes);
    }

    public ReferenceKind? Reference
    {
        get => Get(reference, Has.Reference);
        init => reference = Set(value, Has.Reference);
    }

    public decimal? ReferencePrice
    {
        get => Get(referencePrice, Has.ReferencePrice);
        init => referencePrice = Set(value, Has.ReferencePrice);
    }

    /// <summary>
    /// Set for a condition on indicators: Type is then the operator and Level (or Lower and Upper) the thresholds on
    /// the rule's series (<see cref="Indicators.SeriesKey"/>), not on the price.
    /// </summary>
    public Indicators.IndicatorCondition? Indicator { get; init; }

    /// <summary>Set when Type is Compound: the parts and how they combine.</summary>
    public CompoundCondition? Compound { get; init; }

    private T? Get<T>(T value, Has flag)
        where T : struct => (has & flag) != 0 ? value : null;

    private T Set<T>(T? value, Has flag)
        where T : struct
    {
        has = value.HasValue ? has | flag : has & ~flag;
        return value.GetValueOrDefault();
    }

    [Flags]
    private enum Has : byte
    {
        Level = 1,
        Lower = 2,
        Upper = 4,
        Amount = 8,
        Percent = 16,
        WindowMinutes = 32,
        Reference = 64,
        ReferencePrice = 128,
    }
}
