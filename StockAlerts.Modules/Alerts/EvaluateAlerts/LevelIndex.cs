namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class LevelIndex
{
    private readonly SortedSet<LevelEntry> entries = new(LevelEntryComparer.Instance);

    public int Count => entries.Count;

    public void Add(decimal key, RuleSlot slot) => entries.Add(new LevelEntry(key, slot.Sequence, slot));

    public void Remove(decimal key, RuleSlot slot) => entries.Remove(new LevelEntry(key, slot.Sequence, slot));

    public void CollectBetween(decimal low, decimal high, List<RuleSlot> into, long stamp)
    {
        if (entries.Count == 0 || low > high || entries.Min.Key > high || entries.Max.Key < low)
        {
            return;
        }

        var view = entries.GetViewBetween(new LevelEntry(low, long.MinValue, null), new LevelEntry(high, long.MaxValue, null));
        foreach (var entry in view)
        {
            if (entry.Slot is { } slot && slot.VisitStamp != stamp)
            {
                slot.VisitStamp = stamp;
                into.Add(slot);
            }
        }
    }

    public void CollectAtOrBelow(decimal high, List<RuleSlot> into, long stamp) =>
        CollectBetween(decimal.MinValue, high, into, stamp);

    public void CollectAtOrAbove(decimal low, List<RuleSlot> into, long stamp) =>
        CollectBetween(low, decimal.MaxValue, into, stamp);
}
