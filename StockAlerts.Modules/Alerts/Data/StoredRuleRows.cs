using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace StockAlerts.Modules.Alerts.Data;

/// <summary>
/// Stored rules read in bulk for the index, without a new record per row: the query runs as EF makes it, and each row
/// is copied into one record, reused for the next (what the index maps from it is its own), column by column as EF's
/// model maps them (column names, the provider's reading, value converters), so a new column is read like the rest.
/// At 1M rules EF's materializing left 1,250 bytes per row to collect while the index grew (and a full CPU's worth
/// of collecting and page faults with it); reading this way leaves about 400.
/// </summary>
internal static class StoredRuleRows
{
    // A cluster's start reads shard by shard: each read finds its copy here, compiled once per model (one per
    // database provider) and column list.
    private static readonly ConcurrentDictionary<(IEntityType Entity, string Columns), Action<DbDataReader, AlertRuleRecord>> Copiers = new();

    /// <summary>The rules the query selects, each as the same record: use it before asking for the next.</summary>
    public static async IAsyncEnumerable<AlertRuleRecord> ReadAsync(AlertsDbContext database, IQueryable<AlertRuleRecord> rules,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = rules.CreateDbCommand();
        await database.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entity = database.Model.FindEntityType(typeof(AlertRuleRecord))!;
            var columns = string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
            var copy = Copiers.GetOrAdd((entity, columns), key => Copier(key.Entity, reader));
            var record = new AlertRuleRecord { UserId = "", Symbol = "", ConditionType = "", FrequencyType = "", Channels = "", State = "" };
            while (await reader.ReadAsync(cancellationToken))
            {
                copy(reader, record);
                yield return record;
            }
        }
        finally
        {
            await database.Database.CloseConnectionAsync();
        }
    }

    // Every mapped column, read with the reader method the provider's type mapping names, through its converter, into
    // the member EF itself sets.
    private static Action<DbDataReader, AlertRuleRecord> Copier(IEntityType entity, DbDataReader reader)
    {
        var readerParameter = Expression.Parameter(typeof(DbDataReader), "reader");
        var recordParameter = Expression.Parameter(typeof(AlertRuleRecord), "record");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var assignments = new List<Expression>();
        foreach (var property in entity.GetProperties())
        {
            var ordinal = Expression.Constant(reader.GetOrdinal(property.GetColumnName(table)!));
            var mapping = (RelationalTypeMapping)property.GetTypeMapping();
            var converter = property.GetValueConverter() ?? mapping.Converter;
            var providerType = converter?.ProviderClrType ?? property.ClrType;
            var readMethod = mapping.GetDataReaderMethod();
            Expression value = mapping.CustomizeDataReaderExpression(Expression.Call(readerParameter, readMethod, ordinal));
            value = Expression.Convert(value, Nullable.GetUnderlyingType(providerType) ?? providerType);
            if (converter is not null)
            {
                var fromProvider = converter.ConvertFromProviderExpression;
                value = Expression.Invoke(fromProvider, Expression.Convert(value, fromProvider.Parameters[0].Type));
            }
            value = Expression.Convert(value, property.ClrType);
            if (property.IsNullable)
            {
                value = Expression.Condition(Expression.Call(readerParameter, nameof(DbDataReader.IsDBNull), null, ordinal), Expression.Default(property.ClrType), value);
            }
            var member = property.GetMemberInfo(forMaterialization: true, forSet: true);
            assignments.Add(Expression.Assign(Expression.MakeMemberAccess(recordParameter, member), value));
        }
        return Expression.Lambda<Action<DbDataReader, AlertRuleRecord>>(Expression.Block(assignments), readerParameter, recordParameter).Compile();
    }
}
