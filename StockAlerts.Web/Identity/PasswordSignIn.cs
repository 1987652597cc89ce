using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace StockAlerts.Web.Identity;

/// <summary>
/// Checks an email and password for the API sign-in and the dashboard's form, in a way that tells an attacker
/// nothing and lets nobody lock an owner out:
/// - an unknown email costs the same password hashing as a wrong password, so timing does not reveal accounts;
/// - wrong passwords are counted per account and client address: after 5 in 15 minutes that address gets 429 with
///   Retry-After for that account, while the owner elsewhere still signs in (an account lockout would let anyone lock
///   any known account). Counted in Redis when configured, so every instance sees the same count.
/// </summary>
internal sealed class PasswordSignIn(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, PasswordSignIn.LocalCounts local, IServiceProvider services, TimeProvider time)
{
    public const int AllowedFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static string? dummyHash;

    private ConcurrentDictionary<string, (int Count, DateTimeOffset Until)> LocalFailures => local.Failures;

    /// <summary>The user when the password is right; else null, with how long to wait when this address tried too often.</summary>
    public async Task<(IdentityUser? User, TimeSpan? RetryAfter)> CheckAsync(string email, string password, string address)
    {
        var key = KeyOf(email, address);
        if (await RetryAfterAsync(key) is { } wait)
        {
            return (null, wait);
        }
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            dummyHash ??= users.PasswordHasher.HashPassword(new IdentityUser(), "not a password anybody has");
            users.PasswordHasher.VerifyHashedPassword(new IdentityUser(), dummyHash, password);
        }
        else if ((await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false)).Succeeded)
        {
            await ForgetAsync(key);
            return (user, null);
        }
        await CountFailureAsync(key);
        return (null, null);
    }

    private static string KeyOf(string email, string address) =>
        $"stockalerts:signin-failures:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{email.Trim().ToUpperInvariant()}\n{address}")))[..32]}";

    private IDatabase? Redis => services.GetService<IConnectionMultiplexer>()?.GetDatabase();

    private async Task<TimeSpan?> RetryAfterAsync(string key)
    {
        if (Redis is { } redis)
        {
            var count = (int?)await redis.StringGetAsync(key);
            return count >= AllowedFailures ? await redis.KeyTimeToLiveAsync(key) ?? Window : null;
        }
        var now = time.GetUtcNow();
        return LocalFailures.TryGetValue(key, out var failures) && failures.Until > now && failures.Count >= AllowedFailures ? failures.Until - now : null;
    }

    private async Task CountFailureAsync(string key)
    {
        if (Redis is { } redis)
        {
            if (await redis.StringIncrementAsync(key) == 1)
            {
                await redis.KeyExpireAsync(key, Window);
            }
            return;
        }
        var now = time.GetUtcNow();
        LocalFailures.AddOrUpdate(key, _ => (1, now + Window), (_, failures) => failures.Until > now ? (failures.Count + 1, failures.Until) : (1, now + Window));
        if (LocalFailures.Count > 10_000)
        {
            foreach (var expired in LocalFailures.Where(entry => entry.Value.Until <= now).Select(entry => entry.Key).ToList())
            {
                LocalFailures.TryRemove(expired, out _);
            }
        }
    }

    private async Task ForgetAsync(string key)
    {
        if (Redis is { } redis)
        {
            await redis.KeyDeleteAsync(key);
            return;
        }
        LocalFailures.TryRemove(key, out _);
    }

    /// <summary>The counts of a service without Redis (one instance), kept for the life of the process.</summary>
    internal sealed class LocalCounts
    {
        public ConcurrentDictionary<string, (int Count, DateTimeOffset Until)> Failures { get; } = new();
    }
}
