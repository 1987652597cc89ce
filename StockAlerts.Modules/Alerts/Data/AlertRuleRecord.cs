namespace StockAlerts.Modules.Alerts.Data;

/// <summary>A user's rule as stored: its definition plus the engine state that must survive a restart.</summary>
internal sealed class AlertRuleRecord
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    private string symbol = "";

    public required string Symbol
    {
        get => symbol;
        set
        {
            symbol = value;
            Shard = Engine.Shards.Of(value);
        }
    }

    /// <summary>The symbol's shard, stored so an instance of a cluster reads only the rules of the shards it owns.</summary>
    public int Shard { get; set; } = -1;

    public string? Name { get; set; }

    public required string ConditionType { get; set; }

    public decimal? Level { get; set; }

    public decimal? Lower { get; set; }

    public decimal? Upper { get; set; }

    public decimal? Amount { get; set; }

    public decimal? Percent { get; set; }

    public int? WindowMinutes { get; set; }

    public string? Reference { get; set; }

    /// <summary>An indicator or compound condition as JSON (<see cref="StoredConditions"/>); null for the other types.</summary>
    public string? ConditionJson { get; set; }

    /// <summary>The price the percentage refers to (creation price, or the close/open seen at creation), shown to the user.</summary>
    public decimal? ReferencePrice { get; set; }

    public required string FrequencyType { get; set; }

    public int CooldownSeconds { get; set; }

    public int? MaxFires { get; set; }

    public decimal? HysteresisMargin { get; set; }

    public int? RearmAfterSeconds { get; set; }

    public int ConfirmationSeconds { get; set; }

    public DateTime? ExpiresAt { get; set; }

    /// <summary>Days as "Mon,Tue,...", with From/To times of day in ScheduleTimeZone; null when always active.</summary>
    public string? ScheduleDays { get; set; }

    public TimeOnly? ScheduleFrom { get; set; }

    public TimeOnly? ScheduleTo { get; set; }

    public string TimeZone { get; set; } = "UTC";

    /// <summary>"push,live,webhook".</summary>
    public required string Channels { get; set; }

    public string? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    public string? MessageTemplate { get; set; }

    public bool Paused { get; set; }

    /// <summary>A snooze: paused until then, and resumed by itself.</summary>
    public DateTime? PausedUntil { get; set; }

    public required string State { get; set; }

    public string? StateReason { get; set; }

    /// <summary>Bumped by every change; a firing is saved only against the fire count it was computed from.</summary>
    public long Version { get; set; }

    public int FireCount { get; set; }

    /// <summary>
    /// The fire count when the rule was last armed (created, re-armed, resumed or edited): a "once" rule may fire
    /// only while its fire count still equals it. The database checks this, not any instance's memory.
    /// </summary>
    public int ArmedAtFireCount { get; set; }

    /// <summary>
    /// The fire count when maxFires started counting: at creation, and again when the user re-arms or edits the rule,
    /// so that a rule that used up its firings can be brought back and fires maxFires times more.
    /// </summary>
    public int MaxFiresCountedFrom { get; set; }

    public DateTime? LastFiredAt { get; set; }

    public decimal? LastFiredPrice { get; set; }

    public bool Armed { get; set; } = true;

    public decimal? TrailingExtreme { get; set; }

    public decimal? StepAnchor { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
