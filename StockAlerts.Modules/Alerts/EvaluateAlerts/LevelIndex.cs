namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// A sorted list cut into chunks of at most ChunkCapacity entries: a range query is two binary searches and a
// walk over the hits, with no allocation (a tree set allocates a view and an enumerator per query, and queries
// run several times per tick); an insert or removal moves at most one chunk's entries.
internal sealed class LevelIndex
{
    private const int ChunkCapacity = 128;

    private readonly List<List<LevelEntry>> chunks = [];

    public int Count { get; private set; }

    /// <summary>Told of every key added or removed (the gap or band an owner skips the index by is then stale).</summary>
    public Action? Changed { get; init; }

    public decimal? Lowest => Count == 0 ? null : chunks[0][0].Key;

    public decimal? Highest => Count == 0 ? null : chunks[^1][^1].Key;

    public void Add(decimal key, RuleSlot slot)
    {
        var entry = new LevelEntry(key, slot.Sequence, slot);
        if (Count == 0)
        {
            if (chunks.Count == 0)
            {
                chunks.Add([]);
            }

            chunks[0].Add(entry);
            Count++;
            Changed?.Invoke();
            return;
        }

        var chunkIndex = ChunkFor(entry);
        var chunk = chunks[chunkIndex];
        var position = chunk.BinarySearch(entry, LevelEntryComparer.Instance);
        if (position >= 0)
        {
            return;
        }

        if (chunk.Count == chunk.Capacity)
        {
            // Grown by doubling, a chunk about to split would take 256 places and use at most 129 before and 64
            // after the split; capped, no chunk has room it can never use.
            chunk.Capacity = Math.Min(Math.Max(2 * chunk.Capacity, 4), ChunkCapacity + 1);
        }

        chunk.Insert(~position, entry);
        Count++;
        Changed?.Invoke();
        if (chunk.Count > ChunkCapacity)
        {
            var half = chunk.Count / 2;
            chunks.Insert(chunkIndex + 1, chunk.GetRange(half, chunk.Count - half));
            chunk.RemoveRange(half, chunk.Count - half);
        }
    }

    public void Remove(decimal key, RuleSlot slot)
    {
        if (Count == 0)
        {
            return;
        }

        var entry = new LevelEntry(key, slot.Sequence, slot);
        var chunkIndex = ChunkFor(entry);
        var chunk = chunks[chunkIndex];
        var position = chunk.BinarySearch(entry, LevelEntryComparer.Instance);
        if (position < 0)
        {
            return;
        }

        chunk.RemoveAt(position);
        Count--;
        Changed?.Invoke();
        // The last chunk stays when empty: an index that a rule leaves and re-enters (a series' one threshold, say)
        // would otherwise allocate a new chunk each time.
        if (chunk.Count == 0 && chunks.Count > 1)
        {
            chunks.RemoveAt(chunkIndex);
        }
    }

    public void CollectBetween(decimal low, decimal high, List<RuleSlot> into, long stamp)
    {
        if (Count == 0 || low > high || chunks[0][0].Key > high || chunks[^1][^1].Key < low)
        {
            return;
        }

        var start = new LevelEntry(low, long.MinValue, null);
        for (var chunkIndex = ChunkFor(start); chunkIndex < chunks.Count; chunkIndex++)
        {
            var chunk = chunks[chunkIndex];
            var position = chunk.BinarySearch(start, LevelEntryComparer.Instance);
            for (position = position < 0 ? ~position : position; position < chunk.Count; position++)
            {
                var entry = chunk[position];
                if (entry.Key > high)
                {
                    return;
                }

                var slot = entry.Slot!;
                if (slot.VisitStamp != stamp)
                {
                    slot.VisitStamp = stamp;
                    into.Add(slot);
                }
            }

            start = new LevelEntry(decimal.MinValue, long.MinValue, null);
        }
    }

    public void CollectAtOrBelow(decimal high, List<RuleSlot> into, long stamp) =>
        CollectBetween(decimal.MinValue, high, into, stamp);

    public void CollectAtOrAbove(decimal low, List<RuleSlot> into, long stamp) =>
        CollectBetween(low, decimal.MaxValue, into, stamp);

    /// <summary>Every entry's rule, in key order (for rare whole-index work; queries use the Collect methods).</summary>
    public IEnumerable<RuleSlot> Slots() => chunks.SelectMany(chunk => chunk).Select(entry => entry.Slot!);

    /// <summary>The smallest key at or above the value, if any.</summary>
    public decimal? FirstAtOrAbove(decimal value)
    {
        if (Count == 0)
        {
            return null;
        }

        var probe = new LevelEntry(value, long.MinValue, null);
        var chunkIndex = ChunkFor(probe);
        var chunk = chunks[chunkIndex];
        var position = chunk.BinarySearch(probe, LevelEntryComparer.Instance);
        position = position < 0 ? ~position : position;
        return position < chunk.Count ? chunk[position].Key
            : chunkIndex + 1 < chunks.Count ? chunks[chunkIndex + 1][0].Key
            : null;
    }

    /// <summary>The largest key at or below the value, if any.</summary>
    public decimal? LastAtOrBelow(decimal value)
    {
        if (Count == 0)
        {
            return null;
        }

        var probe = new LevelEntry(value, long.MaxValue, null);
        var chunkIndex = ChunkFor(probe);
        var chunk = chunks[chunkIndex];
        var position = chunk.BinarySearch(probe, LevelEntryComparer.Instance);
        position = (position < 0 ? ~position : position + 1) - 1;
        return position >= 0 ? chunk[position].Key
            : chunkIndex > 0 ? chunks[chunkIndex - 1][^1].Key
            : null;
    }

    // The first chunk whose last entry is not below the entry; the last chunk when every chunk is below it.
    private int ChunkFor(LevelEntry entry)
    {
        int low = 0, high = chunks.Count - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (LevelEntryComparer.Instance.Compare(chunks[middle][^1], entry) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
