using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// Waits for Redis at startup like the database (Database:StartupTimeoutSeconds), since the key ring, the job
/// storage and the price store need it from the first moment; one that never answers ends startup with one line
/// naming ConnectionStrings:Redis instead of an error from deep inside the job storage.
/// </summary>
internal static partial class RedisStartup
{
    public static async Task WaitForRedisAsync(this WebApplication app)
    {
        if (app.Services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return;
        }
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var deadline = time.GetUtcNow() + settings.StartupTimeout;
        var endpoints = string.Join(", ", redis.GetEndPoints().Select(endpoint => endpoint.ToString()));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                if (attempt > 1)
                {
                    LogReachable(app.Logger, endpoints, attempt);
                }
                return;
            }
            catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException)
            {
                if (time.GetUtcNow() >= deadline)
                {
                    throw new StartupRefusedException(
                        $"Redis at {endpoints} (ConnectionStrings:Redis) did not answer within {settings.StartupTimeout.TotalSeconds:0} s (Database:StartupTimeoutSeconds). Start it, or fix the setting.");
                }
                var delay = TimeSpan.FromSeconds(Math.Min(attempt, 5));
                LogNotReachable(app.Logger, endpoints, attempt, delay.TotalSeconds);
                await Task.Delay(delay, time);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis: {Endpoints} reachable (attempt {Attempt})")]
    private static partial void LogReachable(ILogger logger, string endpoints, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis: {Endpoints} not reachable yet (attempt {Attempt}); retrying in {Seconds} s")]
    private static partial void LogNotReachable(ILogger logger, string endpoints, int attempt, double seconds);
}
