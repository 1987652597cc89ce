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
        await using var database = await AlertsTestDatabase.CreateAsync(storage);
        await using (var before = database.Open())
        {
            await before.GetService<IMigrator>().MigrateAsync("MaxFiresCountedFrom");
            // The rows as that schema had them (today's model has columns the old table lacks).
            foreach (var name in new[] { "was-up", "was-down", "no-direction" })
            {
                await before.Database.ExecuteSqlRawAsync(
                    "INSERT INTO alerts_rules (Id, UserId, Symbol, Name, ConditionType, Level, FrequencyType, CooldownSeconds, ConfirmationSeconds, TimeZone, Channels, "
                    + "Paused, State, Version, FireCount, ArmedAtFireCount, MaxFiresCountedFrom, Armed, HysteresisMargin, CreatedAt, UpdatedAt) "
                    + "VALUES ({0}, 'u1', 'AAPL', {1}, 'Crosses', 200, 'EveryTime', 0, 0, 'UTC', 'live', {2}, 'active', 0, 0, 0, 0, {3}, 2, {4}, {4})",
                    Guid.NewGuid(), name, false, true, DateTime.UtcNow);
            }

            await before.Database.ExecuteSqlRawAsync("UPDATE alerts_rules SET Direction = 'Up' WHERE Name = 'was-up'");
            await before.Database.ExecuteSqlRawAsync("UPDATE alerts_rules SET Direction = 'Down' WHERE Name = 'was-down'");
        }

        await using var after = database.Open();
        await after.Database.MigrateAsync();
        var rules = await after.Rules.AsNoTracking().ToDictionaryAsync(rule => rule.Name!);

        Assert.That(rules["was-up"].ConditionType, Is.EqualTo("CrossesAbove"));
        Assert.That(rules["was-up"].HysteresisMargin, Is.EqualTo(2m), "a one-way rule keeps its margin");
        Assert.That(rules["was-down"].ConditionType, Is.EqualTo("CrossesBelow"));
        Assert.That(rules["no-direction"].ConditionType, Is.EqualTo("Crosses"));
        Assert.That(rules["no-direction"].HysteresisMargin, Is.Null);
    }
}
