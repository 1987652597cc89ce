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
    public Queue<DateTime> RecentFirings { get; } = new();
    public bool Armed { get; set; } = true;
    public DateTime? PendingSince { get; set; }
    public decimal? TrailingExtreme { get; set; }
    public decimal? StepAnchor { get; set; }

    // Resolved at admission when the condition carries none.
    public CrossDirection? Direction { get; set; }
    public decimal? ReferencePrice { get; set; }

    /// <summary>The series an indicator condition reads, attached at admission (not stored: it is rebuilt from bars).</summary>
    public Indicators.IndicatorSeries? Series { get; set; }
}
