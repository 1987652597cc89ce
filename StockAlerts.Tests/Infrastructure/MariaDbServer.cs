using System.Diagnostics;
using MySqlConnector;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>A throwaway MariaDB on a free loopback port, in a temp folder, for the whole test run.</summary>
internal sealed class MariaDbServer : IAsyncDisposable
{
    private const string User = "stockalerts";
    private const string Password = "stockalerts-test";
    private Process? process;
    private readonly string? folder;
    private Func<Task<Process>>? startAgain;

    private MariaDbServer(string adminConnectionString, Process? process, string? folder)
    {
        AdminConnectionString = adminConnectionString;
        this.process = process;
        this.folder = folder;
    }

    /// <summary>A connection string without a database, for a user that may create databases.</summary>
    public string AdminConnectionString { get; }

    public static async Task<MariaDbServer> StartAsync()
    {
        var given = Environment.GetEnvironmentVariable("STOCKALERTS_TEST_MYSQL");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return new MariaDbServer(given, null, null);
        }
        return await StartOwnAsync();
    }

    /// <summary>A server of the caller's own, which it may stop and start again.</summary>
    public static async Task<MariaDbServer> StartOwnAsync()
    {
        var server = ExternalProcess.Find("mariadbd", "mariadb-server");
        var installer = ExternalProcess.Find("mariadb-install-db", "mariadb-server");
        var client = ExternalProcess.Find("mariadb", "mariadb-client");
        var folder = Directory.CreateTempSubdirectory("stockalerts-mariadb-").FullName;
        var data = Path.Combine(folder, "data");
        var socket = Path.Combine(folder, "mariadb.sock");
        var log = Path.Combine(folder, "mariadb.log");
        var osUser = Environment.UserName;

        var installed = await ExternalProcess.RunAsync(installer, "--no-defaults", $"--user={osUser}", $"--datadir={data}",
            "--skip-test-db", "--auth-root-authentication-method=socket");
        if (installed != 0)
        {
            throw new InvalidOperationException($"mariadb-install-db failed with exit code {installed}.");
        }

        var port = ExternalProcess.FreePort();
        var adminOverSocket = osUser == "root" ? "root" : osUser;
        async Task<Process> StartProcessAsync()
        {
            var started = ExternalProcess.Start(server,
            [
                "--no-defaults", $"--user={osUser}", $"--datadir={data}", $"--socket={socket}", $"--port={port}",
                "--bind-address=127.0.0.1", "--skip-log-bin", "--skip-name-resolve", "--innodb-buffer-pool-size=128M",
                "--innodb-flush-log-at-trx-commit=2", "--innodb-doublewrite=0", "--max-connections=500", $"--log-error={log}",
            ], log);
            await ExternalProcess.WaitUntilAsync(
                async () => File.Exists(socket) && await ExternalProcess.RunAsync(client, "--no-defaults", $"--socket={socket}", $"--user={adminOverSocket}", "-e", "SELECT 1") == 0,
                TimeSpan.FromSeconds(60), "MariaDB", log);
            return started;
        }
        var process = await StartProcessAsync();

        var created = await ExternalProcess.RunAsync(client, "--no-defaults", $"--socket={socket}", $"--user={adminOverSocket}", "-e",
            $"CREATE USER '{User}'@'%' IDENTIFIED BY '{Password}'; GRANT ALL PRIVILEGES ON *.* TO '{User}'@'%'; FLUSH PRIVILEGES;");
        if (created != 0)
        {
            throw new InvalidOperationException("Could not create the test user in MariaDB.");
        }

        var connectionString = new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)port,
            UserID = User,
            Password = Password,
        }.ConnectionString;
        TestContext.Progress.WriteLine($"MariaDB started on 127.0.0.1:{port} in {folder}");
        return new MariaDbServer(connectionString, process, folder) { startAgain = StartProcessAsync };
    }

    /// <summary>Stops the server as an operator would (SIGTERM: a clean shutdown).</summary>
    public Task StopAsync() => process is null ? Task.CompletedTask : ExternalProcess.TerminateAsync(process);

    public async Task StartAgainAsync() =>
        process = await (startAgain ?? throw new InvalidOperationException("Only a server started by the tests can be started again."))();

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}"[..20];
        await using var connection = new MySqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", connection);
        await command.ExecuteNonQueryAsync();
        return new MySqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new MySqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new MySqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
        await command.ExecuteNonQueryAsync();
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
