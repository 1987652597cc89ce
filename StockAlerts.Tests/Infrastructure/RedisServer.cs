using System.Diagnostics;
using StackExchange.Redis;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>A throwaway Redis on a free loopback port, without persistence, for the whole test run.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process? process;
    private readonly string? folder;

    private RedisServer(string connectionString, Process? process, string? folder)
    {
        ConnectionString = connectionString;
        this.process = process;
        this.folder = folder;
    }

    public string ConnectionString { get; }

    public static async Task<RedisServer> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable("STOCKALERTS_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new RedisServer(given, null, null);
        }

        var server = ExternalProcess.Find("redis-server", "redis-server");
        var folder = Directory.CreateTempSubdirectory("stockalerts-redis-").FullName;
        var log = Path.Combine(folder, "redis.log");
        var port = ExternalProcess.FreePort();
        var process = ExternalProcess.Start(server,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder, "--databases", "64"], log);
        var connectionString = $"127.0.0.1:{port}";
        await ExternalProcess.WaitUntilAsync(async () =>
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(connectionString + ",connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "Redis", log);
        TestContext.Progress.WriteLine($"Redis started on {connectionString} in {folder}");
        return new RedisServer(connectionString, process, folder);
    }

    public ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            ExternalProcess.Stop(process);
        }
        if (folder is not null)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }
}
