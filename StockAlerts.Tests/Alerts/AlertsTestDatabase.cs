using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// An empty database of its own for the alerts module's tables, on either store (a MariaDB database on the test
/// server, or a SQLite file in a temp folder), opened as the service opens it and gone when disposed.
/// </summary>
internal sealed class AlertsTestDatabase : IAsyncDisposable
{
    private readonly StorageKind storage;
    private readonly string folder;
    private readonly string connectionString;

    private AlertsTestDatabase(StorageKind storage, string folder, string connectionString)
    {
        this.storage = storage;
        this.folder = folder;
        this.connectionString = connectionString;
    }

    public static async Task<AlertsTestDatabase> CreateAsync(StorageKind storage)
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-alerts-").FullName;
        var connectionString = storage == StorageKind.MariaDb
            ? await TestServers.MariaDb.CreateDatabaseAsync()
            : $"Data Source={Path.Combine(folder, "alerts.db")}";
        return new AlertsTestDatabase(storage, folder, connectionString);
    }

    /// <summary>A context on it (not migrated: a test migrates as far as it needs).</summary>
    public AlertsDbContext Open()
    {
        if (storage == StorageKind.MariaDb)
        {
            var options = new DbContextOptionsBuilder<AlertsMySqlDbContext>()
                .UseMySql(connectionString, ServerVersion.AutoDetect(connectionString), mysql => mysql.MigrationsHistoryTable("alerts_migrations")).Options;
            return new AlertsMySqlDbContext(options);
        }

        var sqlite = new DbContextOptionsBuilder<AlertsSqliteDbContext>()
            .UseSqlite(connectionString, options => options.MigrationsHistoryTable("alerts_migrations")).Options;
        return new AlertsSqliteDbContext(sqlite);
    }

    public async ValueTask DisposeAsync()
    {
        if (storage == StorageKind.MariaDb)
        {
            await TestServers.MariaDb.DropDatabaseAsync(connectionString);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
