using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace StockAlerts.Modules.Shared.Data;

/// <summary>
/// Hand-built commands on one entity's table for the hot write paths (a burst of firings and notifications), where
/// EF's change tracker costs more than the database does. Names, types and conversions come from the EF model, so
/// a row is written exactly as SaveChanges would write it, on SQLite and on MariaDB. On MariaDB many statements or
/// rows share one command (one round trip); SQLite is in-process, so there one prepared statement runs per row
/// (a command of many statements re-binds every parameter for every statement: quadratic).
/// </summary>
internal sealed class TableCommands
{
    private readonly DbContext database;
    private readonly Dictionary<string, (string Column, RelationalTypeMapping Mapping)> columns;

    public TableCommands(DbContext database, Type entityType)
    {
        this.database = database;
        var entity = database.Model.FindEntityType(entityType) ?? throw new ArgumentException($"{entityType.Name} is not in the model.", nameof(entityType));
        var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = database.GetService<ISqlGenerationHelper>();
        Table = sql.DelimitIdentifier(store.Name, store.Schema);
        Properties = entity.GetProperties().Where(property => !property.IsShadowProperty() && property.GetColumnName(store) is not null).ToList();
        columns = Properties.ToDictionary(property => property.Name, property => (sql.DelimitIdentifier(property.GetColumnName(store)!), property.GetRelationalTypeMapping()));
    }

    public string Table { get; }

    public IReadOnlyList<IProperty> Properties { get; }

    /// <summary>How many rows or statements one command carries.</summary>
    public int PerCommand(int parametersEach) => database.Database.IsSqlite() ? 1 : Math.Max(1, Math.Min(500, 30_000 / parametersEach));

    public string Column(string property) => columns[property].Column;

    public DbCommand NewCommand()
    {
        var command = database.Database.GetDbConnection().CreateCommand();
        command.Transaction = database.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>A parameter typed as the property's column (SQLite's text for a Guid or a price).</summary>
    public DbParameter Parameter(DbCommand command, string name, string property)
    {
        var parameter = columns[property].Mapping.CreateParameter(command, name, null, nullable: true);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The value converted as EF converts it (a time to UTC).</summary>
    public void Set(DbParameter parameter, string property, object? value) =>
        parameter.Value = value is null ? DBNull.Value : columns[property].Mapping.Converter?.ConvertToProvider(value) ?? value;

    /// <summary>
    /// Runs <paramref name="count"/> statements (or rows of one INSERT): <paramref name="build"/> appends the text of
    /// the one in a command's slot and returns its parameters, <paramref name="bind"/> sets them for an item.
    /// Returns the rows affected in all.
    /// </summary>
    public async Task<int> RunAsync(int count, int perCommand, Func<DbCommand, StringBuilder, int, DbParameter[]> build, Action<DbParameter[], int> bind, CancellationToken cancellationToken)
    {
        var affected = 0;
        if (perCommand == 1)
        {
            // One statement, prepared once, run with each item's values.
            await using var command = NewCommand();
            var text = new StringBuilder();
            var parameters = build(command, text, 0);
            command.CommandText = text.ToString();
            await command.PrepareAsync(cancellationToken);
            for (var item = 0; item < count; item++)
            {
                bind(parameters, item);
                affected += await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return affected;
        }
        for (var first = 0; first < count; first += perCommand)
        {
            await using var command = NewCommand();
            var text = new StringBuilder();
            var size = Math.Min(perCommand, count - first);
            for (var slot = 0; slot < size; slot++)
            {
                bind(build(command, text, slot), first + slot);
            }
            command.CommandText = text.ToString();
            affected += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return affected;
    }

    /// <summary>Inserts the rows (every mapped property), in the caller's transaction if there is one.</summary>
    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var getters = Properties.Select(property => property.GetGetter()).ToList();
        var names = string.Join(", ", Properties.Select(property => Column(property.Name)));
        // SQLite: one row per prepared statement. MariaDB: one multi-row INSERT per command.
        await RunAsync(rows.Count, PerCommand(Properties.Count), (command, text, slot) =>
        {
            var parameters = Properties.Select(property => Parameter(command, $"@r{slot}_{property.Name}", property.Name)).ToArray();
            text.Append(slot == 0 ? $"INSERT INTO {Table} ({names}) VALUES " : ", ")
                .Append('(').AppendJoin(", ", parameters.Select(parameter => parameter.ParameterName)).Append(')');
            return parameters;
        }, (parameters, item) =>
        {
            for (var index = 0; index < parameters.Length; index++)
            {
                Set(parameters[index], Properties[index].Name, getters[index].GetClrValue(rows[item]));
            }
        }, cancellationToken);
    }
}
