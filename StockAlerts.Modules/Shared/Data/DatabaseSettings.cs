using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Modules.Shared.Data;

/// <summary>The database every module shares, resolved once from configuration before the container is built.</summary>
public sealed class DatabaseSettings
{
    private DatabaseSettings(DatabaseProvider provider, string connectionString, ServerVersion? serverVersion, int startupTimeoutSeconds)
    {
        Provider = provider;
        ConnectionString = connectionString;
        ServerVersion = serverVersion;
        StartupTimeout = TimeSpan.FromSeconds(startupTimeoutSeconds);
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public ServerVersion? ServerVersion { get; }

    public TimeSpan StartupTimeout { get; }

    public static DatabaseSettings FromConfiguration(IConfiguration configuration)
    {
        var database = configuration.GetValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(
            DatabaseOptions.Section,
            options =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    options.ConnectionString = configuration.GetConnectionString("Database");
                }
            });

        if (database.ParsedProvider == DatabaseProvider.MySql)
        {
            return new DatabaseSettings(DatabaseProvider.MySql, database.ConnectionString!,
                Microsoft.EntityFrameworkCore.ServerVersion.Parse(database.ServerVersion), database.StartupTimeoutSeconds);
        }

        var connectionString = database.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var storage = configuration.GetValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
            var folder = storage.EnsureFolder();
            connectionString = $"Data Source={Path.Combine(folder, "stockalerts.db")}";
        }
        return new DatabaseSettings(DatabaseProvider.Sqlite, connectionString, null, database.StartupTimeoutSeconds);
    }

    public void Configure(DbContextOptionsBuilder builder, string migrationsHistoryTable)
    {
        if (Provider == DatabaseProvider.MySql)
        {
            builder.UseMySql(ConnectionString, ServerVersion, mysql => mysql.MigrationsHistoryTable(migrationsHistoryTable));
        }
        else
        {
            builder.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsHistoryTable(migrationsHistoryTable));
        }
    }
}
