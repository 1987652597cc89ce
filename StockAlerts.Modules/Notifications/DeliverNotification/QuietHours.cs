using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

internal static class QuietHours
{
    /// <summary>From &gt; To spans midnight (22:00–07:00).</summary>
    public static bool Contains(PreferencesRecord? preferences, DateTime utc)
    {
        if (preferences?.QuietFrom is not { } from || preferences.QuietTo is not { } to || from == to)
        {
            return false;
        }
        TimeZones.TryFind(preferences.TimeZone, out var zone);
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));
        return from < to ? local >= from && local < to : local >= from || local < to;
    }
}
