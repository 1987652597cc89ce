namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RuleSlot(AlertRule rule, RuleRuntime runtime, long sequence)
{
    public AlertRule Rule { get; set; } = rule;
    public RuleRuntime Runtime { get; } = runtime;
    public long Sequence { get; } = sequence;
    // Nullable values are kept as a value and a flag: a DateTime? or a nullable struct takes a padded word more, on
    // each of a million rules.
    private RulePlacement placement;
    private bool placed;
    private DateTime queuedDeadline;
    private bool queued;

    public RulePlacement? Placement
    {
        get => placed ? placement : null;
        set => (placement, placed) = (value.GetValueOrDefault(), value.HasValue);
    }

    public DateTime? QueuedDeadline
    {
        get => queued ? queuedDeadline : null;
        set => (queuedDeadline, queued) = (value.GetValueOrDefault(), value.HasValue);
    }

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

/// <summary>
/// What decided where a rule sits in its book; when it changes the rule is moved. Every rule holds one, so it is kept
/// as plain values and flags (56 bytes) rather than nullable ones (104: a nullable decimal or date is padded to a
/// word more, and the struct again).
/// </summary>
internal readonly record struct RulePlacement
{
    private readonly decimal bandLow;
    private readonly decimal bandHigh;
    private readonly DateTime lastFiredAt;
    private readonly DateTime parkedUntil;
    private readonly RuleState state;
    private readonly Has has;

    public RulePlacement(RuleState state, bool armed, DateTime? lastFiredAt, WatchBand? band, DateTime? parkedUntil, bool due)
    {
        this.state = state;
        this.lastFiredAt = lastFiredAt.GetValueOrDefault();
        this.parkedUntil = parkedUntil.GetValueOrDefault();
        bandLow = band?.AtOrBelow ?? 0;
        bandHigh = band?.AtOrAbove ?? 0;
        has = (armed ? Has.Armed : 0) | (due ? Has.Due : 0) | (lastFiredAt is null ? 0 : Has.LastFired)
            | (parkedUntil is null ? 0 : Has.ParkedUntil) | (band is null ? 0 : Has.Band)
            | (band?.AtOrBelow is null ? 0 : Has.BandLow) | (band?.AtOrAbove is null ? 0 : Has.BandHigh);
    }

    public RuleState State => state;
    public bool Armed => (has & Has.Armed) != 0;
    public bool Due => (has & Has.Due) != 0;
    public DateTime? LastFiredAt => (has & Has.LastFired) != 0 ? lastFiredAt : null;
    public DateTime? ParkedUntil => (has & Has.ParkedUntil) != 0 ? parkedUntil : null;

    public WatchBand? Band => (has & Has.Band) != 0
        ? new WatchBand((has & Has.BandLow) != 0 ? bandLow : null, (has & Has.BandHigh) != 0 ? bandHigh : null)
        : null;

    [Flags]
    private enum Has : byte
    {
        Armed = 1,
        Due = 2,
        LastFired = 4,
        ParkedUntil = 8,
        Band = 16,
        BandLow = 32,
        BandHigh = 64,
    }
}
