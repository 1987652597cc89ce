using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Data;

/// <summary>Between the stored rule and the engine's rule and runtime.</summary>
internal static class RuleMapping
{
    /// <param name="shared">Values to share with the other rules of a read (the index build), if any.</param>
    public static AlertRule ToEngine(AlertRuleRecord record, DateTime now, SharedValues? shared = null) =>
        new(record.Id, shared?.Text(record.UserId) ?? record.UserId, shared?.Text(record.Symbol) ?? record.Symbol, ConditionOf(record))
    {
        Frequency = shared?.Frequency(record.FrequencyType, record.CooldownSeconds, record.MaxFires) ?? FrequencyOf(record.FrequencyType, record.CooldownSeconds, record.MaxFires),
        HysteresisMargin = record.HysteresisMargin,
        RearmAfterSeconds = record.RearmAfterSeconds,
        ConfirmationSeconds = record.ConfirmationSeconds,
        ExpiresAt = record.ExpiresAt,
        Paused = record.Paused && (record.PausedUntil is null || record.PausedUntil > now),
        Schedule = record.ScheduleDays is null || record.ScheduleFrom is null || record.ScheduleTo is null
            ? null
            : new ActiveSchedule(ParseDays(record.ScheduleDays), record.ScheduleFrom.Value, record.ScheduleTo.Value, record.TimeZone),
        TimeZoneId = shared?.Text(record.TimeZone) ?? record.TimeZone,
        Name = record.Name,
        MessageTemplate = record.MessageTemplate,
    };

    /// <summary>A stored frequency (its type as the column holds it) in the engine's form.</summary>
    public static AlertFrequency FrequencyOf(string type, int cooldownSeconds, int? maxFires = null) =>
        new(Enum.Parse<FrequencyType>(type, ignoreCase: true), cooldownSeconds, maxFires);

    private static AlertCondition ConditionOf(AlertRuleRecord record) => record.ConditionJson is { } json
        ? StoredConditions.ToEngine(json, record.Symbol)
        : new AlertCondition(Enum.Parse<ConditionType>(record.ConditionType, ignoreCase: true))
    {
        Level = record.Level,
        Lower = record.Lower,
        Upper = record.Upper,
        Amount = record.Amount,
        Percent = record.Percent,
        WindowMinutes = record.WindowMinutes,
        Reference = record.Reference is null ? null : Enum.Parse<ReferenceKind>(record.Reference, ignoreCase: true),
        ReferencePrice = record.ReferencePrice,
    };

    public static RuleRuntime ToRuntime(AlertRuleRecord record) => new()
    {
        State = Enum.Parse<RuleState>(record.State, ignoreCase: true),
        Reason = record.StateReason,
        Version = record.Version,
        StoredVersion = record.Version,
        FireCount = record.FireCount,
        MaxFiresCountedFrom = record.MaxFiresCountedFrom,
        LastFiredAt = record.LastFiredAt,
        LastFiredPrice = record.LastFiredPrice,
        Armed = record.Armed,
        TrailingExtreme = record.TrailingExtreme,
        StepAnchor = record.StepAnchor,
        ReferencePrice = record.ReferencePrice,
        // A compound armed (made, edited, re-armed) and not fired since acts if its expression is true now: nothing was
        // delivered for it yet. One that fired works out its last state from the prices before the next batch.
        CompoundHeld = IsArmedCompound(record) ? false : null,
        CompoundDue = IsArmedCompound(record),
    };

    private static bool IsArmedCompound(AlertRuleRecord record) =>
        record.ConditionType == nameof(ConditionType.Compound) && record.FireCount == record.ArmedAtFireCount;

    public static string StateName(RuleState state) => JsonName(state.ToString());

    public static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    public static IReadOnlySet<DayOfWeek> ParseDays(string days) =>
        days.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(day => DayNames.First(entry => entry.Value.Equals(day, StringComparison.OrdinalIgnoreCase)).Key)
            .ToHashSet();

    public static readonly IReadOnlyDictionary<DayOfWeek, string> DayNames = new Dictionary<DayOfWeek, string>
    {
        [DayOfWeek.Monday] = "mon", [DayOfWeek.Tuesday] = "tue", [DayOfWeek.Wednesday] = "wed", [DayOfWeek.Thursday] = "thu",
        [DayOfWeek.Friday] = "fri", [DayOfWeek.Saturday] = "sat", [DayOfWeek.Sunday] = "sun",
    };
}
