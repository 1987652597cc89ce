using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests;

/// <summary>Starts real MariaDB and Redis once for the whole run and stops them at the end.</summary>
[SetUpFixture]
public sealed class TestServers
{
    private static MariaDbServer? mariaDb;
    private static RedisServer? redis;

    internal static MariaDbServer MariaDb => mariaDb ?? throw new InvalidOperationException("MariaDB was not started.");

    internal static RedisServer Redis => redis ?? throw new InvalidOperationException("Redis was not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        mariaDb = await MariaDbServer.StartAsync();
        redis = await RedisServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
        if (mariaDb is not null)
        {
            await mariaDb.DisposeAsync();
        }
    }
}
