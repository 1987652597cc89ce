namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class FrequencyGate
{
    public static bool Allows(AlertRule rule, RuleRuntime runtime, DateTime time)
    {
        if (rule.Frequency.MaxFires is { } maximum && runtime.FiresCountedForMax >= maximum)
        {
            return false;
        }

        if (runtime.LastFiredAt is not { } lastFired)
        {
            return true;
        }

        return rule.Frequency.Type switch
        {
            FrequencyType.EveryTime => time - lastFired >= TimeSpan.FromSeconds(rule.Frequency.CooldownSeconds),
            FrequencyType.OncePerDay => LocalDate(lastFired, rule.TimeZoneId) != LocalDate(time, rule.TimeZoneId),
            _ => true,
        };
    }

    /// <summary>
    /// The latest time of a previous firing that still lets the rule fire at <paramref name="time"/> (the cooldown's
    /// start, or the last instant before the local day began); null when any will do. What the database checks.
    /// </summary>
    public static DateTime? LastFiringNoLaterThan(AlertFrequency frequency, string timeZoneId, DateTime time)
    {
        switch (frequency.Type)
        {
            case FrequencyType.EveryTime when frequency.CooldownSeconds > 0:
                return time.AddSeconds(-frequency.CooldownSeconds);
            case FrequencyType.OncePerDay:
                return StartOfLocalDay(time, TimeZoneCache.Find(timeZoneId)).AddTicks(-1);
            default:
                return null;
        }
    }

    /// <summary>The first UTC instant of the local day that <paramref name="utcTime"/> falls on.</summary>
    public static DateTime StartOfLocalDay(DateTime utcTime, TimeZoneInfo zone)
    {
        var utc = DateTime.SpecifyKind(utcTime, DateTimeKind.Utc);
        var midnight = TimeZoneInfo.ConvertTimeFromUtc(utc, zone).Date;
        // Where the clocks skip midnight, the day starts at the first local time that exists.
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(midnight) ? zone.GetAmbiguousTimeOffsets(midnight).Max() : zone.GetUtcOffset(midnight);
        return DateTime.SpecifyKind(midnight - offset, DateTimeKind.Utc);
    }

    /// <summary>
    /// A time before which <see cref="Allows"/> is sure to refuse (not necessarily the last such time), or null.
    /// For once a day it is the next local midnight less three hours, so no daylight-saving shift can make it late.
    /// </summary>
    public static DateTime? ClosedUntil(AlertRule rule, RuleRuntime runtime)
    {
        if (runtime.LastFiredAt is not { } lastFired)
        {
            return null;
        }

        switch (rule.Frequency.Type)
        {
            case FrequencyType.EveryTime when rule.Frequency.CooldownSeconds > 0:
                return lastFired.AddSeconds(rule.Frequency.CooldownSeconds);
            case FrequencyType.OncePerDay:
                var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(lastFired, DateTimeKind.Utc), TimeZoneCache.Find(rule.TimeZoneId));
                return lastFired + (TimeSpan.FromDays(1) - local.TimeOfDay) - TimeSpan.FromHours(3);
            default:
                return null;
        }
    }

    private static DateOnly LocalDate(DateTime utcTime, string timeZoneId) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcTime, DateTimeKind.Utc), TimeZoneCache.Find(timeZoneId)));
}
