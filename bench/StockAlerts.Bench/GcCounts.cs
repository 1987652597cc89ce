namespace StockAlerts.Bench;

/// <summary>The collector's counts and pause time so far; the difference of two is what happened between them.</summary>
internal readonly record struct GcCounts(int Collections, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcCounts operator -(GcCounts after, GcCounts before) =>
        new(after.Collections - before.Collections, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Paused - before.Paused);
}
