using System.Globalization;
using StackExchange.Redis;

namespace StockAlerts.Tests.Cluster;

/// <summary>The cluster's own record in Redis: each ready instance's shards and rule count, as it last said them.</summary>
internal static class ClusterOwners
{
    public static async Task<IReadOnlyDictionary<string, (ulong Shards, int Rules)>> ReadAsync(string redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis + ",abortConnect=false,connectTimeout=2000");
        var owners = new Dictionary<string, (ulong, int)>();
        foreach (var entry in await connection.GetDatabase().HashGetAllAsync("stockalerts:cluster:owned"))
        {
            var parts = ((string)entry.Value!).Split(';');
            owners[(string)entry.Name!] = (ulong.Parse(parts[0], NumberStyles.HexNumber), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        return owners;
    }

    /// <summary>This many instances, no shard owned twice, none without an owner.</summary>
    public static bool SharedOnce(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners, int instances) =>
        owners.Count == instances && owners.Values.Aggregate(0UL, (all, owner) => all | owner.Shards) == ulong.MaxValue
        && owners.Values.Sum(owner => System.Numerics.BitOperations.PopCount(owner.Shards)) == 64;

    /// <summary>The process id of the instance that owns the symbol's shard (a member's name carries it).</summary>
    public static int? OwnerOf(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners, string symbol)
    {
        var shard = StockAlerts.Modules.Alerts.Engine.Shards.Of(symbol);
        var owner = owners.FirstOrDefault(entry => (entry.Value.Shards >> shard & 1) != 0).Key;
        return owner?.Split('-') is { Length: >= 3 } parts ? int.Parse(parts[^2], CultureInfo.InvariantCulture) : null;
    }

    public static string Describe(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners) =>
        string.Join("; ", owners.Select(owner => $"{owner.Key}: {System.Numerics.BitOperations.PopCount(owner.Value.Shards)} shards, {owner.Value.Rules} rules"));
}
