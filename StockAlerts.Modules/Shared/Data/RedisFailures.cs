using StackExchange.Redis;

namespace StockAlerts.Modules.Shared.Data;

public static class RedisFailures
{
    /// <summary>
    /// Redis could not be reached or did not answer in time. A timeout is no <see cref="RedisException"/>, and a catch
    /// that forgets it lets the exception out (a cluster's beat loop once died of exactly that).
    /// </summary>
    public static bool IsRedisFailure(this Exception exception) => exception is RedisException or RedisTimeoutException;
}
