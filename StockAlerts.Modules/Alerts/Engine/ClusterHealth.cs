using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Who owns what, in /health/ready: this instance, its shards and rules, and every ready member's share as each last
/// said it. Degraded while some shard has no owner that says so (a hand-over in progress, or an instance gone).
/// </summary>
internal sealed class ClusterHealth(ClusterMembership membership, AlertEngine engine) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["instance"] = membership.Member,
            ["ownedShards"] = Shards.CountOf(engine.Owned),
            ["rules"] = engine.Count,
        };
        if (!membership.Clustered)
        {
            return HealthCheckResult.Healthy("one instance: it evaluates every rule", data);
        }
        try
        {
            var owners = await membership.OwnersAsync();
            data["instances"] = owners.ToDictionary(owner => owner.Key, owner => new { shards = Shards.CountOf(owner.Value.Shards), rules = owner.Value.Rules });
            var covered = owners.Values.Aggregate(0UL, (all, owner) => all | owner.Shards);
            data["unownedShards"] = Shards.Count - Shards.CountOf(covered);
            return covered == Shards.All
                ? HealthCheckResult.Healthy($"{owners.Count} instance(s) share the 64 shards; this one owns {Shards.CountOf(engine.Owned)}", data)
                : HealthCheckResult.Degraded($"{Shards.Count - Shards.CountOf(covered)} shard(s) without an owner (moving to another instance)", null, data);
        }
        catch (Exception exception) when (exception.IsRedisFailure())
        {
            return HealthCheckResult.Degraded($"Redis cannot be reached ({exception.GetType().Name}); this instance keeps its {Shards.CountOf(engine.Owned)} shard(s)", data: data);
        }
    }
}
