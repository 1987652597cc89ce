using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// Limits hub calls per user (Realtime:CallsPerSecond, bursts of twice that), over all of the user's connections to
/// this instance: each call may touch the database (an acknowledgement is an update), and one connection in a loop
/// must not slow everyone else down. A refused call gets a HubException saying so; the connection stays open.
/// </summary>
internal sealed class HubCallLimit : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;
    private readonly int perSecond;

    public HubCallLimit(IOptions<RealtimeOptions> options)
    {
        perSecond = options.Value.CallsPerSecond;
        limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = invocationContext.Context;
        using var lease = limiter.AttemptAcquire(caller.UserIdentifier ?? caller.ConnectionId);
        if (!lease.IsAcquired)
        {
            throw new HubException($"Too many calls: at most {perSecond} a second. Slow down and try again in a second.");
        }
        return await next(invocationContext);
    }

    public void Dispose() => limiter.Dispose();
}
