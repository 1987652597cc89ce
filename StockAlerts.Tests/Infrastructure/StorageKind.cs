namespace StockAlerts.Tests.Infrastructure;

/// <summary>The two ways the product runs: embedded (SQLite, no Redis) and production (MariaDB + Redis).</summary>
public enum StorageKind
{
    Sqlite,
    MariaDb,
}
