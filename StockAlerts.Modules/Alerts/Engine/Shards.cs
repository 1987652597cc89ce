namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Symbols fall into a fixed number of shards, and the live instances share the shards by rendezvous hashing: each
/// shard goes to the instance with the highest score for it. A member joining takes only the shards it now scores
/// highest on, and a member leaving hands only its own to the next best, so a change moves no more than it must.
/// The shard number is stored with each rule (changing <see cref="Count"/> means recomputing it).
/// </summary>
internal static class Shards
{
    /// <summary>Enough for an even share among a handful of instances; one bit each in an ownership mask.</summary>
    public const int Count = 64;

    public const ulong All = ulong.MaxValue;

    /// <summary>The shard of a symbol: FNV-1a over its upper-case characters (stable across processes and versions).</summary>
    public static int Of(string symbol)
    {
        var hash = 2166136261u;
        foreach (var character in symbol)
        {
            hash = (hash ^ char.ToUpperInvariant(character)) * 16777619u;
        }
        return (int)(hash % Count);
    }

    public static bool Contains(ulong mask, int shard) => (mask >> shard & 1) != 0;

    public static int CountOf(ulong mask) => System.Numerics.BitOperations.PopCount(mask);

    public static IEnumerable<int> In(ulong mask) => Enumerable.Range(0, Count).Where(shard => Contains(mask, shard));

    /// <summary>The shards <paramref name="member"/> owns among <paramref name="members"/> (all of them when alone).</summary>
    public static ulong OwnedBy(string member, IReadOnlyCollection<string> members)
    {
        var mask = 0UL;
        for (var shard = 0; shard < Count; shard++)
        {
            if (OwnerOf(shard, members) == member)
            {
                mask |= 1UL << shard;
            }
        }
        return mask;
    }

    public static string? OwnerOf(int shard, IReadOnlyCollection<string> members)
    {
        string? owner = null;
        var best = 0UL;
        foreach (var member in members)
        {
            var score = Score(member, shard);
            // Ties (practically never) go to the smaller name, so every instance picks the same owner.
            if (owner is null || score > best || (score == best && string.CompareOrdinal(member, owner) < 0))
            {
                owner = member;
                best = score;
            }
        }
        return owner;
    }

    private static ulong Score(string member, int shard)
    {
        var hash = 14695981039346656037UL;
        foreach (var character in member)
        {
            hash = (hash ^ character) * 1099511628211UL;
        }
        // A strong mix of member and shard (SplitMix64's finalizer), so the shards of one member look random.
        var value = hash ^ ((ulong)(shard + 1) * 0x9E3779B97F4A7C15UL);
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
