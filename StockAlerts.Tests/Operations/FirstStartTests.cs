using MySqlConnector;
using StackExchange.Redis;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Operations;

/// <summary>
/// Several replicas started at once on an empty MariaDB (what `docker compose up` does): every one becomes ready,
/// the schema is migrated once and the catalog seeded once. Real processes, started together, a few rounds.
/// </summary>
[NonParallelizable]
public sealed class FirstStartTests
{
    private const int Instances = 3;
    private RedisServer redis = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => redis = await RedisServer.StartOwnAsync(appendOnly: false);

    [OneTimeTearDown]
    public async Task StopAsync() => await redis.DisposeAsync();

    [Test]
    public async Task ThreeInstancesStartedTogetherOnAnEmptyDatabase_AllBecomeReady_AndSeedOnce()
    {
        for (var round = 1; round <= 3; round++)
        {
            var database = await TestServers.MariaDb.CreateDatabaseAsync();
            await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
            {
                await connection.GetServers()[0].FlushAllDatabasesAsync();
            }
            var hosts = Enumerable.Range(0, Instances).Select(index => HostProcess.Start($"round{round}-replica{index}", new Dictionary<string, string>
            {
                ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-replica-").FullName,
                ["Database__Provider"] = "MySql",
                ["ConnectionStrings__Database"] = database,
                ["ConnectionStrings__Redis"] = redis.ConnectionString,
            })).ToList();
            try
            {
                await Task.WhenAll(hosts.Select(host => host.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
                await using var connection = new MySqlConnection(database);
                await connection.OpenAsync();

                Assert.That(await CountAsync(connection, "SELECT COUNT(*) FROM prices_instruments"), Is.EqualTo(18), $"round {round}");
                Assert.That(await CountAsync(connection, "SELECT COUNT(*) - COUNT(DISTINCT MigrationId) FROM prices_migrations"), Is.Zero);
                Assert.That(hosts.SelectMany(host => host.Errors()), Is.Empty);
            }
            finally
            {
                foreach (var host in hosts)
                {
                    await host.DisposeAsync();
                }
                await TestServers.MariaDb.DropDatabaseAsync(database);
            }
        }
    }

    private static async Task<long> CountAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
