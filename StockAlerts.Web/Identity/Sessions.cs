using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Web.Identity;

/// <summary>Sign-in sessions: started at login, advanced by each refresh, ended by logout, a password change or account deletion.</summary>
internal sealed class Sessions(UsersDbContext database, IMemoryCache cache, TimeProvider time)
{
    public const string SessionClaim = "stockalerts:session";
    public const string RefreshClaim = "stockalerts:refresh";

    // How long an instance trusts its last look at a session: an ended session stops working within this time.
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(15);

    public async Task<UserSession> StartAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var session = new UserSession { Id = Guid.CreateVersion7(), UserId = userId, CreatedAt = now, LastUsedAt = now };
        database.Sessions.Add(session);
        await database.SaveChangesAsync(cancellationToken);
        return session;
    }

    /// <summary>
    /// Moves the session to its next refresh token; false when it ended or when this refresh token was already used,
    /// which means it was copied: the session is then ended, so neither copy works any more.
    /// </summary>
    public async Task<bool> TryAdvanceAsync(Guid sessionId, string userId, int refreshes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var advanced = await database.Sessions
            .Where(session => session.Id == sessionId && session.UserId == userId && session.RevokedAt == null && session.Refreshes == refreshes)
            .ExecuteUpdateAsync(session => session.SetProperty(column => column.Refreshes, refreshes + 1).SetProperty(column => column.LastUsedAt, now), cancellationToken);
        if (advanced == 0)
        {
            await EndAsync(sessionId, cancellationToken);
        }
        return advanced == 1;
    }

    public async Task EndAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await database.Sessions.Where(session => session.Id == sessionId && session.RevokedAt == null)
            .ExecuteUpdateAsync(session => session.SetProperty(column => column.RevokedAt, now), cancellationToken);
        cache.Remove(sessionId);
    }

    public async Task EndAllAsync(string userId, Guid? except, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ended = await database.Sessions.Where(session => session.UserId == userId && session.RevokedAt == null && session.Id != except)
            .Select(session => session.Id).ToListAsync(cancellationToken);
        await database.Sessions.Where(session => ended.Contains(session.Id))
            .ExecuteUpdateAsync(session => session.SetProperty(column => column.RevokedAt, now), cancellationToken);
        foreach (var id in ended)
        {
            cache.Remove(id);
        }
    }

    /// <summary>
    /// Whether the session an access token belongs to is still on (tokens from before sessions have none and pass). The
    /// instance's last look at it, within <see cref="CheckEvery"/>, answers without making a database context (per
    /// request that was a fifth of an authenticated read); only a miss asks the database.
    /// </summary>
    public static async ValueTask<bool> IsActiveAsync(IServiceProvider services, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (SessionOf(principal) is not { } sessionId)
        {
            return true;
        }
        if (services.GetRequiredService<IMemoryCache>().TryGetValue(sessionId, out bool active))
        {
            return active;
        }
        return await services.GetRequiredService<Sessions>().LookUpAsync(sessionId, cancellationToken);
    }

    private async Task<bool> LookUpAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var active = await database.Sessions.AnyAsync(session => session.Id == sessionId && session.RevokedAt == null, cancellationToken);
        cache.Set(sessionId, active, CheckEvery);
        return active;
    }

    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionClaim), out var id) ? id : null;

    public static int RefreshesOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(RefreshClaim), out var count) ? count : -1;
}
