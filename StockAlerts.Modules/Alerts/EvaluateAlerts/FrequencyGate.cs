namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class FrequencyGate
{
    public static bool Allows(AlertRule rule, RuleRuntime runtime, DateTime time)
    {
        if (rule.Frequency.MaxFires is { } maximum && runtime.FireCount >= maximum)
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

    private static DateOnly LocalDate(DateTime utcTime, string timeZoneId) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcTime, DateTimeKind.Utc), TimeZoneCache.Find(timeZoneId)));
}
