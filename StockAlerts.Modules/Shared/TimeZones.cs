using System.Text.RegularExpressions;

namespace StockAlerts.Modules.Shared;

public static partial class TimeZones
{
    /// <summary>
    /// IANA ids (Europe/Berlin); false for an unknown or malformed id instead of an exception. The zone database is a
    /// folder tree, so a name like "America" or "posix" is a folder, not a zone: reading it fails with a SecurityException.
    /// </summary>
    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || !ZoneId().IsMatch(id))
        {
            return false;
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    /// <summary>
    /// The local calendar day (UTC start and end) holding a UTC time: from its midnight to the next, whatever daylight
    /// saving does to its length; a midnight skipped by a clock change starts the day at the first local time that exists.
    /// </summary>
    public static (DateTime Start, DateTime End) DayOf(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).Date;
        return (MidnightUtc(local, zone), MidnightUtc(local.AddDays(1), zone));
    }

    private static DateTime MidnightUtc(DateTime localDate, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(localDate, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeToUtc(local, zone), DateTimeKind.Utc);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    private static partial Regex ZoneId();
}
