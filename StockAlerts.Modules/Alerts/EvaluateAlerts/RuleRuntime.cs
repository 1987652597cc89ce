namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RuleRuntime
{
    public RuleState State { get; set; } = RuleState.Active;
    public string? Reason { get; set; }
    public long Version { get; set; }

    /// <summary>The version of the stored rule this runtime is in step with (Version counts in-memory steps too).</summary>
    public long StoredVersion { get; set; }
    public DateTime? LastFiredAt { get; set; }
    public decimal? LastFiredPrice { get; set; }
    public int FireCount { get; set; }

    /// <summary>The fire count maxFires counts from (a user's re-arm or edit starts a fresh count).</summary>
    public int MaxFiresCountedFrom { get; set; }

    public int FiresCountedForMax => FireCount - MaxFiresCountedFrom;

    // The firing times within the runaway window. The first is kept inline: most rules fire once and then wait, and a
    // queue per rule cost 40 bytes before any firing and an array at the first, young memory hung on old rules that
    // the collector had to promote (at a million rules, 4 MB in the first 200,000 ticks).
    private DateTime? recentFiring;
    private Queue<DateTime>? recentFirings;

    public int RecentFiringCount => recentFirings?.Count ?? (recentFiring is null ? 0 : 1);

    public bool Armed { get; set; } = true;
    public DateTime? PendingSince { get; set; }
    public decimal? TrailingExtreme { get; set; }
    public decimal? StepAnchor { get; set; }

    // Resolved at admission when the condition carries none.
    public CrossDirection? Direction { get; set; }
    public decimal? ReferencePrice { get; set; }

    /// <summary>The series an indicator condition reads, attached at admission (not stored: it is rebuilt from bars).</summary>
    public Indicators.IndicatorSeries? Series { get; set; }

    /// <summary>A compound rule's parts, bound to their symbols' markets at admission (not stored).</summary>
    public PartBinding[]? Parts { get; set; }

    /// <summary>
    /// A compound rule's expression as the last evaluation left it, events over (a crossing part counts as false
    /// after its price): the rule acts when the expression is true and this was false. Null after a restart: then
    /// it is worked out from the prices before the one being evaluated.
    /// </summary>
    public bool? CompoundHeld { get; set; }

    /// <summary>A compound rule made, edited or re-armed: looked at on the next price of any of its symbols.</summary>
    public bool CompoundDue { get; set; }

    /// <summary>Notes a firing; those at or before <paramref name="forgetAtOrBefore"/> no longer count.</summary>
    public void NoteFiring(DateTime time, DateTime forgetAtOrBefore)
    {
        if (recentFirings is null)
        {
            if (recentFiring is not { } earlier || earlier <= forgetAtOrBefore)
            {
                recentFiring = time;
                return;
            }

            recentFirings = new Queue<DateTime>();
            recentFirings.Enqueue(earlier);
            recentFiring = null;
        }

        recentFirings.Enqueue(time);
        while (recentFirings.Peek() <= forgetAtOrBefore)
        {
            recentFirings.Dequeue();
        }
    }

    public void ForgetFirings()
    {
        recentFiring = null;
        recentFirings?.Clear();
    }
}
