namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <summary>
/// A rule's in-memory state. Every rule has one, so its optional values are kept as a value and a flag (a nullable
/// decimal or date is padded to a word more): 176 bytes, not 240.
/// </summary>
internal sealed class RuleRuntime
{
    private decimal lastFiredPrice;
    private decimal trailingExtreme;
    private decimal stepAnchor;
    private decimal referencePrice;
    private DateTime lastFiredAt;
    private DateTime pendingSince;
    private DateTime recentFiring;
    private CrossDirection direction;
    private Has has = Has.Armed;

    public RuleState State { get; set; } = RuleState.Active;
    public string? Reason { get; set; }
    public long Version { get; set; }

    /// <summary>The version of the stored rule this runtime is in step with (Version counts in-memory steps too).</summary>
    public long StoredVersion { get; set; }

    public DateTime? LastFiredAt
    {
        get => Get(lastFiredAt, Has.LastFiredAt);
        set => lastFiredAt = Set(value, Has.LastFiredAt);
    }

    public decimal? LastFiredPrice
    {
        get => Get(lastFiredPrice, Has.LastFiredPrice);
        set => lastFiredPrice = Set(value, Has.LastFiredPrice);
    }

    public int FireCount { get; set; }

    /// <summary>The fire count maxFires counts from (a user's re-arm or edit starts a fresh count).</summary>
    public int MaxFiresCountedFrom { get; set; }

    public int FiresCountedForMax => FireCount - MaxFiresCountedFrom;

    // The firing times within the runaway window. The first is kept inline: most rules fire once and then wait, and a
    // queue per rule cost 40 bytes before any firing and an array at the first, young memory hung on old rules that
    // the collector had to promote (at a million rules, 4 MB in the first 200,000 ticks).
    private Queue<DateTime>? recentFirings;

    public int RecentFiringCount => recentFirings?.Count ?? ((has & Has.RecentFiring) != 0 ? 1 : 0);

    public bool Armed
    {
        get => (has & Has.Armed) != 0;
        set => Flag(Has.Armed, value);
    }

    public DateTime? PendingSince
    {
        get => Get(pendingSince, Has.PendingSince);
        set => pendingSince = Set(value, Has.PendingSince);
    }

    public decimal? TrailingExtreme
    {
        get => Get(trailingExtreme, Has.TrailingExtreme);
        set => trailingExtreme = Set(value, Has.TrailingExtreme);
    }

    public decimal? StepAnchor
    {
        get => Get(stepAnchor, Has.StepAnchor);
        set => stepAnchor = Set(value, Has.StepAnchor);
    }

    // Resolved at admission when the condition carries none.
    public CrossDirection? Direction
    {
        get => Get(direction, Has.Direction);
        set => direction = Set(value, Has.Direction);
    }

    public decimal? ReferencePrice
    {
        get => Get(referencePrice, Has.ReferencePrice);
        set => referencePrice = Set(value, Has.ReferencePrice);
    }

    /// <summary>The series an indicator condition reads, attached at admission (not stored: it is rebuilt from bars).</summary>
    public Indicators.IndicatorSeries? Series { get; set; }

    /// <summary>A compound rule's parts, bound to their symbols' markets at admission (not stored).</summary>
    public PartBinding[]? Parts { get; set; }

    /// <summary>
    /// A compound rule's expression as the last evaluation left it, events over (a crossing part counts as false
    /// after its price): the rule acts when the expression is true and this was false. Null after a restart: then
    /// it is worked out from the prices before the one being evaluated.
    /// </summary>
    public bool? CompoundHeld
    {
        get => (has & Has.CompoundHeld) != 0 ? (has & Has.CompoundHeldTrue) != 0 : null;
        set
        {
            Flag(Has.CompoundHeld, value.HasValue);
            Flag(Has.CompoundHeldTrue, value == true);
        }
    }

    /// <summary>A compound rule made, edited or re-armed: looked at on the next price of any of its symbols.</summary>
    public bool CompoundDue
    {
        get => (has & Has.CompoundDue) != 0;
        set => Flag(Has.CompoundDue, value);
    }

    /// <summary>Notes a firing; those at or before <paramref name="forgetAtOrBefore"/> no longer count.</summary>
    public void NoteFiring(DateTime time, DateTime forgetAtOrBefore)
    {
        if (recentFirings is null)
        {
            if ((has & Has.RecentFiring) == 0 || recentFiring <= forgetAtOrBefore)
            {
                recentFiring = Set<DateTime>(time, Has.RecentFiring);
                return;
            }

            recentFirings = new Queue<DateTime>();
            recentFirings.Enqueue(recentFiring);
            recentFiring = Set<DateTime>(null, Has.RecentFiring);
        }

        recentFirings.Enqueue(time);
        while (recentFirings.Peek() <= forgetAtOrBefore)
        {
            recentFirings.Dequeue();
        }
    }

    public void ForgetFirings()
    {
        recentFiring = Set<DateTime>(null, Has.RecentFiring);
        recentFirings?.Clear();
    }

    private T? Get<T>(T value, Has flag)
        where T : struct => (has & flag) != 0 ? value : null;

    private T Set<T>(T? value, Has flag)
        where T : struct
    {
        Flag(flag, value.HasValue);
        return value.GetValueOrDefault();
    }

    private void Flag(Has flag, bool on) => has = on ? has | flag : has & ~flag;

    [Flags]
    private enum Has : ushort
    {
        Armed = 1,
        LastFiredAt = 2,
        LastFiredPrice = 4,
        RecentFiring = 8,
        PendingSince = 16,
        TrailingExtreme = 32,
        StepAnchor = 64,
        Direction = 128,
        ReferencePrice = 256,
        CompoundHeld = 512,
        CompoundHeldTrue = 1024,
        CompoundDue = 2048,
    }
}
