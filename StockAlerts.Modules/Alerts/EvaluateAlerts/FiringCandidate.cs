namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <summary>
/// A firing as the engine finds it: values only. The engine builds no text (at a million rules, formatting each
/// firing's description cost 41% of the feed time); <see cref="Description"/> is written when someone reads it.
/// </summary>
internal sealed record FiringCandidate(
    AlertRule Rule,
    decimal Price,
    decimal ComparedValue,
    DateTime Time)
{
    public Guid RuleId => Rule.Id;

    public string UserId => Rule.UserId;

    public string Symbol => Rule.Symbol;

    // The rule's fire count after this firing: with the rule id, the unique key of the firing row.
    public int Sequence { get; init; }

    public long Version { get; init; }

    /// <summary>The stored version this firing applies onto; the database refuses it onto any other.</summary>
    public long StoredVersion { get; init; }
    public RuleState State { get; init; }
    public string? Reason { get; init; }

    /// <summary>The direction a crossing went, for describing it again in the instrument's style.</summary>
    public CrossDirection? Direction { get; init; }

    /// <summary>For an indicator condition: its series and operands when it fired, for the message.</summary>
    public Indicators.SeriesReading? Reading
    {
        get => reading?.Value;
        init => reading = value is { } given ? new BoxedReading(given) : null;
    }

    // Boxed: held inline, a reading made every firing 80 bytes larger, and only indicator firings carry one. A record,
    // not StrongBox<T>, so two firings with equal readings stay equal.
    private readonly BoxedReading? reading;

    private sealed record BoxedReading(Indicators.SeriesReading Value);

    /// <summary>For a compound: each part's symbol price when it fired, in the order of the parts.</summary>
    public PartPrices? PartPrices { get; init; }

    public decimal Change => Price - ComparedValue;

    public decimal ChangePercent => ComparedValue == 0 ? 0 : Change * 100 / ComparedValue;

    /// <summary>What happened, in words, with prices as they are (the recorder writes them in the instrument's style).</summary>
    public string Description => ConditionObserver.Describe(Rule, Direction, Price, ComparedValue, PriceStyle.Raw, Reading, PartPrices);
}
