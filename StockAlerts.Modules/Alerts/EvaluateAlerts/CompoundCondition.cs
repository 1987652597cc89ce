namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum CompoundMatch
{
    /// <summary>AND: every part holds.</summary>
    All,

    /// <summary>OR: at least one part holds.</summary>
    Any,
}

/// <summary>One part of a compound condition: a price or indicator condition on a symbol (the rule's or another).</summary>
internal sealed record CompoundPart(string Symbol, AlertCondition Condition);

/// <summary>
/// A rule true when its expression is: the parts combined with AND or OR. The rule acts on the expression becoming
/// true (edge); a part that is an event (a crossing, entering or leaving a channel) is true only at the price that made
/// it. A part whose symbol has no fresh price leaves the whole rule without data.
/// </summary>
internal sealed record CompoundCondition(CompoundMatch Match, IReadOnlyList<CompoundPart> Parts)
{
    public const int MaxParts = 5;

    public IEnumerable<string> Symbols => Parts.Select(part => part.Symbol).Distinct(StringComparer.Ordinal);

    public bool Equals(CompoundCondition? other) => other is not null && Match == other.Match && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => HashCode.Combine(Match, Parts.Count);
}

/// <summary>Each part's symbol price when a compound fired, compared by value (a firing is a value).</summary>
internal sealed record PartPrices(IReadOnlyList<decimal> Values)
{
    public bool Equals(PartPrices? other) => other is not null && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => Values.Count;
}

/// <summary>A compound part bound to its symbol's market in one engine, with the part's own runtime (its series).</summary>
internal sealed class PartBinding(CompoundPart part, AlertRule rule, MarketState market, RuleRuntime runtime)
{
    public CompoundPart Part { get; } = part;
    public AlertRule Rule { get; } = rule;
    public MarketState Market { get; } = market;
    public RuleRuntime Runtime { get; } = runtime;
}
