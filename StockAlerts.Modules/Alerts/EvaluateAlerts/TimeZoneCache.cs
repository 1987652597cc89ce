using System.Collections.Concurrent;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// An unknown id falls back to UTC so one bad rule cannot stop the evaluation of a batch; validation rejects it earlier.
internal static class TimeZoneCache
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.Ordinal);

    public static TimeZoneInfo Find(string id) =>
        Zones.GetOrAdd(id, static key => Shared.TimeZones.TryFind(key, out var zone) ? zone : TimeZoneInfo.Utc);
}
