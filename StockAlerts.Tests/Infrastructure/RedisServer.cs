using System.Diagnostics;
using StackExchange.Redis;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>
/// A throwaway Redis on a free loopback port, in a temp folder: without persistence for the whole test run, or with
/// its append-only file for a test of its own that stops and starts it.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string[] arguments = [];
    private readonly string log = "";
    private Process? process;
    private readonly string? folder;

    private RedisServer(string connectionString, Process? process, string? folder, string[] arguments, string log)
    {
        ConnectionString = connectionString;
        this.process = process;
        this.folder = folder;
        this.arguments = arguments;
        this.log = log;
    }

    public string ConnectionString { get; }

    public static Task<RedisServer> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable("STOCKALERTS_TEST_REDIS");
        return !string.IsNullOrWhiteSpace(given) ? Task.FromResult(new RedisServer(given, null, null, [], "")) : StartOwnAsync(appendOnly: false);
    }

    /// <summary>A server of the caller's own, which it may stop and start again.</summary>
    public static async Task<RedisServer> StartOwnAsync(bool appendOnly)
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-redis-").FullName;
        var log = Path.Combine(folder, "redis.log");
        var port = ExternalProcess.FreePort();
        string[] arguments = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no",
            "--appendfsync", "always", "--dir", folder, "--databases", "64"];
        var server = new RedisServer($"127.0.0.1:{port}", null, folder, arguments, log);
        await server.StartProcessAsync();
        TestContext.Progress.WriteLine($"Redis started on {server.ConnectionString} in {folder}");
        return server;
    }

    /// <summary>Stops the server as an operator would (SIGTERM: it writes its append-only file and exits).</summary>
    public Task StopAsync() => process is null ? Task.CompletedTask : ExternalProcess.TerminateAsync(process);

    public Task StartAgainAsync() => StartProcessAsync();

    private async Task StartProcessAsync()
    {
        var server = ExternalProcess.Find("redis-server", "redis-server");
        process = ExternalProcess.Start(server, arguments, log);
        var connectionString = ConnectionString;
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
            catch (RedisServerException loading) when (loading.Message.StartsWith("LOADING", StringComparison.Ordinal))
            {
                // Up, still reading its append-only file.
                return false;
            }
        }, TimeSpan.FromSeconds(30), "Redis", log);
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
