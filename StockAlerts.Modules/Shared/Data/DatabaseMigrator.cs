using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Shared.Data;

/// <summary>Applies every module's migrations at startup, one logged step at a time, after the server answers.</summary>
public sealed partial class DatabaseMigrator(
    IServiceProvider services,
    IEnumerable<MigrationTarget> targets,
    IEnumerable<StartupTask> startupTasks,
    DatabaseSettings settings,
    TimeProvider time,
    ILogger<DatabaseMigrator> logger)
{
    // How long an instance waits for another one's migration before it gives up.
    private static readonly TimeSpan MigrationWait = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Migrates every module and runs the startup tasks (seeding, the rule index) unless only the schema is wanted
    /// (the users commands). Instances starting together on one MariaDB take turns: the first migrates and seeds,
    /// the others wait for it and find nothing left to do; then each runs the tasks that only read (the rule index)
    /// without the lock, side by side.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken, bool schemaOnly = false)
    {
        await WaitForServerAsync(cancellationToken);
        await using (await TakeStartupLockAsync(cancellationToken))
        {
            await MigrateUnderLockAsync(cancellationToken, schemaOnly);
        }
        foreach (var task in schemaOnly ? [] : startupTasks.Where(task => !task.Exclusive))
        {
            await RunAsync(task, cancellationToken);
        }
    }

    private async Task MigrateUnderLockAsync(CancellationToken cancellationToken, bool schemaOnly)
    {
        await UseWriteAheadLogAsync(cancellationToken);
        foreach (var target in targets)
        {
            using var scope = services.CreateScope();
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(target.ContextType);
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count == 0)
            {
                LogUpToDate(target.Name);
                continue;
            }

            LogApplying(target.Name, pending.Count, settings.Provider);
            var migrator = context.GetService<IMigrator>();
            foreach (var migration in pending)
            {
                var started = Stopwatch.GetTimestamp();
                await migrator.MigrateAsync(migration, cancellationToken);
                LogApplied(target.Name, migration, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        foreach (var task in schemaOnly ? [] : startupTasks.Where(task => task.Exclusive))
        {
            await RunAsync(task, cancellationToken);
        }
    }

    private async Task RunAsync(StartupTask task, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        LogStartupTask(task.Name);
        await using var scope = services.CreateAsyncScope();
        await task.RunAsync(scope.ServiceProvider, cancellationToken);
        LogStartupTaskDone(task.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// SQLite: a write-ahead log instead of the rollback journal (the setting stays with the file). A commit then
    /// syncs one file once instead of the journal and the database, which is most of what storing a price batch's
    /// firings costs, and readers no longer wait for a writer. Commits stay durable (synchronous stays FULL).
    /// </summary>
    private async Task UseWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != DatabaseProvider.Sqlite || !targets.Any())
        {
            return;
        }
        using var scope = services.CreateScope();
        var context = (DbContext)scope.ServiceProvider.GetRequiredService(targets.First().ContextType);
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = context.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A server-wide named lock (GET_LOCK) per database, held on its own connection until migrations and startup
    /// tasks are done; a connection that dies releases it. SQLite is one process's file: nothing to take.
    /// </summary>
    private async Task<IAsyncDisposable> TakeStartupLockAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != DatabaseProvider.MySql)
        {
            return NoLock.Instance;
        }
        var builder = new MySqlConnectionStringBuilder(settings.ConnectionString);
        var name = $"stockalerts:startup:{builder.Database}";
        name = name.Length <= 64 ? name : name[..64];
        // Not pooled: closing the connection must end the session, and with it the lock.
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder(settings.ConnectionString) { Database = "", Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!await GetLockAsync(connection, name, TimeSpan.Zero, cancellationToken))
            {
                LogWaitingForOtherInstance();
                if (!await GetLockAsync(connection, name, MigrationWait, cancellationToken))
                {
                    throw new TimeoutException($"Another instance has been migrating database '{builder.Database}' for {MigrationWait.TotalMinutes:0} minutes; stop it or check its log.");
                }
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> GetLockAsync(MySqlConnection connection, string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SELECT GET_LOCK(@name, @seconds)", connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@seconds", (int)wait.TotalSeconds);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) == 1;
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private async Task WaitForServerAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider != DatabaseProvider.MySql)
        {
            return;
        }

        // The database itself may not exist yet (migrations create it), so only the server has to answer.
        var serverOnly = new MySqlConnectionStringBuilder(settings.ConnectionString) { Database = "" }.ConnectionString;
        var deadline = time.GetUtcNow() + settings.StartupTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new MySqlConnection(serverOnly);
                await connection.OpenAsync(cancellationToken);
                LogServerReachable(attempt);
                return;
            }
            catch (DbException exception) when (time.GetUtcNow() < deadline)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(attempt, 5));
                LogServerNotReachable(attempt, exception.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: another instance is migrating or seeding; waiting for it")]
    private partial void LogWaitingForOtherInstance();

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Context} schema is up to date")]
    private partial void LogUpToDate(string context);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: applying {Count} migration(s) to {Context} on {Provider}")]
    private partial void LogApplying(string context, int count, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Context} migration {Migration} applied in {Milliseconds:F0} ms")]
    private partial void LogApplied(string context, string migration, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Startup: {Task}...")]
    private partial void LogStartupTask(string task);

    [LoggerMessage(Level = LogLevel.Information, Message = "Startup: {Task} done in {Milliseconds:F0} ms")]
    private partial void LogStartupTaskDone(string task, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: server reachable (attempt {Attempt})")]
    private partial void LogServerReachable(int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database: server not reachable yet (attempt {Attempt}): {Reason}; retrying in {Seconds} s")]
    private partial void LogServerNotReachable(int attempt, string reason, double seconds);
}
