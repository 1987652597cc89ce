namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RuleSlot(AlertRule rule, RuleRuntime runtime, long sequence)
{
    public AlertRule Rule { get; set; } = rule;
    public RuleRuntime Runtime { get; } = runtime;
    public long Sequence { get; } = sequence;
    public RulePlacement? Placement { get; set; }
    public DateTime? QueuedDeadline { get; set; }
    public long VisitStamp { get; set; }

    /// <summary>The trailing group the rule sits in instead of the indexes (its runtime's extreme may lag the group's).</summary>
    public TrailGroup? Trail { get; set; }

    /// <summary>A compound's books (one per symbol of its parts), worked out at its first placement and kept until it leaves its books.</summary>
    public SymbolRuleBook[]? Books { get; set; }

    // The level indexes the rule sits in, with its key in each, to take it out again. Two are kept inline (most rules
    // sit in one or two); only a rule in more, a compound, makes a list. A list per rule was 32 bytes before any entry
    // and an array at the first, young memory hung on old rules as they moved.
    private (LevelIndex? Index, decimal Key) first;
    private (LevelIndex? Index, decimal Key) second;
    private List<(LevelIndex Index, decimal Key)>? more;

    public void Enter(LevelIndex index, decimal key)
    {
        index.Add(key, this);
        if (first.Index is null)
        {
            first = (index, key);
        }
        else if (second.Index is null)
        {
            second = (index, key);
        }
        else
        {
            (more ??= []).Add((index, key));
        }
    }

    public void LeaveIndexes()
    {
        first.Index?.Remove(first.Key, this);
        second.Index?.Remove(second.Key, this);
        if (more is not null)
        {
            foreach (var (index, key) in more)
            {
                index.Remove(key, this);
            }

            more.Clear();
        }

        first = default;
        second = default;
    }
}

// What decided where a rule sits in its book; when it changes the rule is moved.
internal readonly record struct RulePlacement(RuleState State, bool Armed, DateTime? LastFiredAt, WatchBand? Band, DateTime? ParkedUntil, bool Due);
