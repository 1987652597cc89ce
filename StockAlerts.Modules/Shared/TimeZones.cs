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

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")]
    private static partial Regex ZoneId();
}
