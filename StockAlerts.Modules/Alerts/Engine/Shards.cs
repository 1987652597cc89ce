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

    /// <summary>
    /// Of these names for a member about to join <paramref name="others"/>, the one under which the rules are shared
    /// most evenly (the largest share smallest; <paramref name="rulesPerShard"/> weighs each shard, plus one so an
    /// empty database still evens out the shards). Rendezvous hashing over 64 shards leaves shares uneven by chance
    /// (25/20/19 shards among three is usual); a joiner picks its name, and with it its share, from many candidates
    /// instead. Nothing else changes: owners are still the highest score over the members' names, so the others
    /// agree on them without being told, and a join still moves only shards to the joiner.
    /// </summary>
    public static string MostEven(IReadOnlyCollection<string> others, IReadOnlyList<string> candidates, IReadOnlyList<long> rulesPerShard)
    {
        var best = candidates[0];
        var bestLoad = long.MaxValue;
        foreach (var candidate in candidates)
        {
            var members = others.Where(other => other != candidate).Append(candidate).ToList();
            var loads = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var shard = 0; shard < Count; shard++)
            {
                var owner = OwnerOf(shard, members)!;
                loads[owner] = loads.GetValueOrDefault(owner) + rulesPerShard[shard] + 1;
            }
            var load = loads.Values.Max();
            if (load < bestLoad)
            {
                best = candidate;
                bestLoad = load;
            }
        }
        return best;
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
