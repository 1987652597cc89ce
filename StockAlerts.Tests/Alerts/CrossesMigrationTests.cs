using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// "crosses" used to watch one direction, picked from the price when the rule was made; it now fires either way.
/// A rule stored under the old meaning keeps it, under the one-way type that says so.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class CrossesMigrationTests(StorageKind storage)
{
    [Test]
    public async Task OneWayCrossesRules_BecomeCrossesAboveOrBelow_AndTheRestCrossEitherWayWithoutAMargin()
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-migration-").FullName;
        var connectionString = storage == StorageKind.MariaDb
            ? await TestServers.MariaDb.CreateDatabaseAsync()
            : $"Data Source={Path.Combine(folder, "alerts.db")}";
        try
        {
            await using (var before = Create(connectionString))
            {
                await before.GetService<IMigrator>().MigrateAsync("MaxFiresCountedFrom");
                foreach (var name in new[] { "was-up", "was-down", "no-direction" })
                {
                    before.Rules.Add(new AlertRuleRecord
                    {
                        Id = Guid.NewGuid(), UserId = "u1", Symbol = "AAPL", Name = name, ConditionType = "Crosses", Level = 200,
                        FrequencyType = "EveryTime", Channels = "live", State = "active", HysteresisMargin = 2,
                        CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
                    });
                }
                await before.SaveChangesAsync();
                await before.Database.ExecuteSqlRawAsync("UPDATE alerts_rules SET Direction = 'Up' WHERE Name = 'was-up'");
                await before.Database.ExecuteSqlRawAsync("UPDATE alerts_rules SET Direction = 'Down' WHERE Name = 'was-down'");
            }

            await using var after = Create(connectionString);
            await after.Database.MigrateAsync();
            var rules = await after.Rules.AsNoTracking().ToDictionaryAsync(rule => rule.Name!);

            Assert.That(rules["was-up"].ConditionType, Is.EqualTo("CrossesAbove"));
            Assert.That(rules["was-up"].HysteresisMargin, Is.EqualTo(2m), "a one-way rule keeps its margin");
            Assert.That(rules["was-down"].ConditionType, Is.EqualTo("CrossesBelow"));
            Assert.That(rules["no-direction"].ConditionType, Is.EqualTo("Crosses"));
            Assert.That(rules["no-direction"].HysteresisMargin, Is.Null);
        }
        finally
        {
            if (storage == StorageKind.MariaDb)
            {
                await TestServers.MariaDb.DropDatabaseAsync(connectionString);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private AlertsDbContext Create(string connectionString)
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
}
