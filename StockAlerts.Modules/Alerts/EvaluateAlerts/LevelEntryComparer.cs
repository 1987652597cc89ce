namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class LevelEntryComparer : IComparer<LevelEntry>
{
    public static LevelEntryComparer Instance { get; } = new();

    public int Compare(LevelEntry x, LevelEntry y)
    {
        var byKey = x.Key.CompareTo(y.Key);
        return byKey != 0 ? byKey : x.Sequence.CompareTo(y.Sequence);
    }
}
