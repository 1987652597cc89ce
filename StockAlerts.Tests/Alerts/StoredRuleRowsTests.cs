using System.Reflection;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// The index build reads stored rules without EF's materializing (one reused record, column by column as EF's model
/// maps them). It must read every column as EF does, on both databases, and a column added later must not be missed.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class StoredRuleRowsTests(StorageKind storage)
{
    private static readonly PropertyInfo[] Properties = typeof(AlertRuleRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    [Test]
    public async Task EveryColumnOfEveryRule_IsReadAsEfReadsIt_WithAndWithoutValues()
    {
        await using var store = await AlertsTestDatabase.CreateAsync(storage);
        await using var database = store.Open();
        await database.Database.MigrateAsync();
        var full = Filled(1);
        var sparse = new AlertRuleRecord { UserId = "u2", Symbol = "EURUSD", ConditionType = "Below", FrequencyType = "Once", Channels = "live", State = "noData" };
        database.Rules.AddRange(full, sparse, Filled(2));
        await database.SaveChangesAsync();
        database.ChangeTracker.Clear();

        var byEf = (await database.Rules.AsNoTracking().ToListAsync()).ToDictionary(rule => rule.Id, Values);
        var read = new Dictionary<Guid, Dictionary<string, object?>>();
        await foreach (var rule in StoredRuleRows.ReadAsync(database, database.Rules.Where(rule => rule.Shard >= 0), CancellationToken.None))
        {
            // The same record comes back for every row: take its values before the next.
            read.Add(rule.Id, Values(rule));
        }

        Assert.That(read.Keys, Is.EquivalentTo(byEf.Keys));
        foreach (var (id, values) in byEf)
        {
            Assert.That(read[id], Is.EqualTo(values), $"rule {id}");
        }
        // Not vacuous: the filled rules came back with a value in every column, and dates as UTC as EF gives them.
        Assert.That(read[full.Id].Where(value => value.Value is null).Select(value => value.Key), Is.Empty);
        Assert.That(((DateTime)read[full.Id][nameof(AlertRuleRecord.CreatedAt)]!).Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(read[sparse.Id][nameof(AlertRuleRecord.Level)], Is.Null);
    }

    private static Dictionary<string, object?> Values(AlertRuleRecord rule) =>
        Properties.ToDictionary(property => property.Name, property => property.GetValue(rule));

    // A value in every settable column, different per rule, so a column read from the wrong place shows.
    private static AlertRuleRecord Filled(int seed)
    {
        var rule = new AlertRuleRecord { UserId = $"user-{seed}", Symbol = $"SYM{seed}", ConditionType = "Above", FrequencyType = "EveryTime", Channels = "push,live", State = "active" };
        var moment = new DateTime(2026, 12, 7, 10, 30, 15, DateTimeKind.Utc).AddMilliseconds(seed * 125);
        foreach (var property in Properties.Where(property => property.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? value = type switch
            {
                _ when type == typeof(Guid) => Guid.NewGuid(),
                _ when type == typeof(string) => property.GetValue(rule) ?? $"{property.Name[..Math.Min(6, property.Name.Length)]}-{seed}",
                _ when type == typeof(decimal) => 100.125m * seed + property.Name.Length,
                _ when type == typeof(int) => seed * 10 + property.Name.Length,
                _ when type == typeof(long) => seed * 1000L + property.Name.Length,
                _ when type == typeof(bool) => seed % 2 == 1,
                _ when type == typeof(DateTime) => moment.AddMinutes(property.Name.Length),
                _ when type == typeof(TimeOnly) => new TimeOnly(8 + seed, property.Name.Length % 60),
                _ => throw new InvalidOperationException($"No sample for {property.Name} ({type.Name}): add one."),
            };
            property.SetValue(rule, value);
        }
        return rule;
    }
}
