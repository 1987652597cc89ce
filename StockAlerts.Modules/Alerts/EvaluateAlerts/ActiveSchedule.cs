namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// From > To spans midnight and belongs to the day it starts on; From == To means the whole day.
internal sealed record ActiveSchedule(IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To, string TimeZoneId)
{
    public bool Contains(DateTime utcTime)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcTime, DateTimeKind.Utc), TimeZoneCache.Find(TimeZoneId));
        var timeOfDay = TimeOnly.FromDateTime(local);
        var today = Days.Contains(local.DayOfWeek);
        if (From == To)
        {
            return today;
        }

        if (From < To)
        {
            return today && timeOfDay >= From && timeOfDay < To;
        }

        var yesterday = Days.Contains((DayOfWeek)(((int)local.DayOfWeek + 6) % 7));
        return (today && timeOfDay >= From) || (yesterday && timeOfDay < To);
    }
}
