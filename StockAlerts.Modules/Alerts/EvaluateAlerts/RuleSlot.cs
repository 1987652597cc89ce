namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RuleSlot(AlertRule rule, RuleRuntime runtime, long sequence)
{
    public AlertRule Rule { get; set; } = rule;
    public RuleRuntime Runtime { get; } = runtime;
    public long Sequence { get; } = sequence;
    public List<(LevelIndex Index, decimal Key)> Entries { get; } = [];
    public RulePlacement? Placement { get; set; }
    public DateTime? QueuedDeadline { get; set; }
    public long VisitStamp { get; set; }

    /// <summary>The trailing group the rule sits in instead of the indexes (its runtime's extreme may lag the group's).</summary>
    public TrailGroup? Trail { get; set; }

    /// <summary>A compound's books (one per symbol of its parts), worked out at its first placement and kept until it leaves its books.</summary>
    public SymbolRuleBook[]? Books { get; set; }
}

// What decided where a rule sits in its book; when it changes the rule is moved.
internal readonly record struct RulePlacement(RuleState State, bool Armed, DateTime? LastFiredAt, WatchBand? Band, DateTime? ParkedUntil, bool Due);
