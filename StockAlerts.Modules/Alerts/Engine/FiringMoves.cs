using System.Data.Common;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// The conditional moves of many firings, run inside the recorder's transaction as one guarded UPDATE per firing:
/// the rule moves from fire count n-1 to n, at the version the engine fired from, only where the stored rule may
/// fire now (not paused, triggered, expired; within maxFires; once-rules armed; past the cooldown or the day).
/// On MariaDB the statements of many firings share a round trip (see <see cref="TableCommands"/>).
/// </summary>
internal static class FiringMoves
{
    private static readonly string Latched = string.Join(", ", new[] { RuleState.Triggered, RuleState.Expired, RuleState.Paused }.Select(state => $"'{RuleMapping.StateName(state)}'"));

    // The parameters of one statement, in the order Build adds them.
    private static readonly (string Name, string Property)[] Parameters =
    [
        ("Sequence", "FireCount"), ("State", "State"), ("Reason", "StateReason"), ("FiredAt", "LastFiredAt"), ("Price", "LastFiredPrice"),
        ("Armed", "Armed"), ("TrailingExtreme", "TrailingExtreme"), ("StepAnchor", "StepAnchor"), ("Now", "UpdatedAt"), ("Id", "Id"),
        ("Version", "Version"), ("FireCount", "FireCount"), ("Paused", "Paused"), ("LastFiredBy", "LastFiredAt"),
    ];

    // A firing's values in the joined form, in the order ValuesOf gives them.
    private static readonly (string Name, string Property)[] Joined =
    [
        ("Id", "Id"), ("Sequence", "FireCount"), ("State", "State"), ("Reason", "StateReason"), ("FiredAt", "LastFiredAt"), ("Price", "LastFiredPrice"),
        ("Armed", "Armed"), ("TrailingExtreme", "TrailingExtreme"), ("StepAnchor", "StepAnchor"), ("Version", "Version"), ("FireCount", "FireCount"),
        ("LastFiredBy", "LastFiredAt"),
    ];

    /// <summary>How many of the firings moved their rule (in order, so a rule's second firing applies onto its first).</summary>
    public static Task<int> MoveAsync(AlertsDbContext database, IReadOnlyList<FiringMove> moves, DateTime now, CancellationToken cancellationToken)
    {
        var table = new TableCommands(database, typeof(AlertRuleRecord));
        if (table.PerCommand(Joined.Length) > 1 && moves.Count > 1 && moves.Select(move => move.Candidate.RuleId).Distinct().Count() == moves.Count)
        {
            return MoveJoinedAsync(table, moves, now, cancellationToken);
        }
        return table.RunAsync(moves.Count, table.PerCommand(Parameters.Length), (command, text, slot) => Build(table, command, text, slot), (parameters, item) =>
        {
            var (candidate, runtime, lastFiredBy) = moves[item];
            object?[] values =
            [
                candidate.Sequence, RuleMapping.StateName(candidate.State), candidate.Reason, candidate.Time, candidate.Price,
                runtime == null || runtime.Armed, runtime?.TrailingExtreme, runtime?.StepAnchor, now, candidate.RuleId,
                candidate.StoredVersion, candidate.Sequence - 1, false, lastFiredBy,
            ];
            for (var index = 0; index < values.Length; index++)
            {
                table.Set(parameters[index], Parameters[index].Property, values[index]);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// MariaDB/MySQL: the firings of up to a few hundred rules in one UPDATE, joined to their values as a derived
    /// table, under the same guards. One statement per firing made the server parse and run 100,000 statements for
    /// a burst of 100,000 firings. Only when every rule fires once in the batch: a rule's second firing applies onto
    /// its first, which one joined UPDATE cannot do. The derived table is read first (STRAIGHT_JOIN), so each rule
    /// is found by its key.
    /// </summary>
    private static async Task<int> MoveJoinedAsync(TableCommands table, IReadOnlyList<FiringMove> moves, DateTime now, CancellationToken cancellationToken)
    {
        string C(string property) => "r." + table.Column(property);
        var perCommand = table.PerCommand(Joined.Length);
        var affected = 0;
        for (var first = 0; first < moves.Count; first += perCommand)
        {
            await using var command = table.NewCommand();
            var text = new System.Text.StringBuilder("UPDATE (");
            var size = Math.Min(perCommand, moves.Count - first);
            for (var slot = 0; slot < size; slot++)
            {
                var (candidate, runtime, lastFiredBy) = moves[first + slot];
                object?[] values =
                [
                    candidate.RuleId, candidate.Sequence, RuleMapping.StateName(candidate.State), candidate.Reason, candidate.Time, candidate.Price,
                    runtime == null || runtime.Armed, runtime?.TrailingExtreme, runtime?.StepAnchor, candidate.StoredVersion, candidate.Sequence - 1, lastFiredBy,
                ];
                text.Append(slot == 0 ? "SELECT " : " UNION ALL SELECT ");
                for (var index = 0; index < Joined.Length; index++)
                {
                    var (name, property) = Joined[index];
                    var parameter = table.Parameter(command, $"@j{slot}_{name}", property);
                    table.Set(parameter, property, values[index]);
                    text.Append(index == 0 ? "" : ", ").Append(parameter.ParameterName).Append(slot == 0 ? $" AS {name}" : "");
                }
            }
            table.Set(table.Parameter(command, "@now", "UpdatedAt"), "UpdatedAt", now);
            table.Set(table.Parameter(command, "@paused", "Paused"), "Paused", false);
            // Ids are stored as ascii char(36) (the migrations' Guid columns); the derived table's are the
            // connection's utf8mb4, and comparing the two would convert the key column and lose its index.
            text.Append($") AS m STRAIGHT_JOIN {table.Table} AS r ON {C("Id")} = CONVERT(m.Id USING ascii) ")
                .Append($"SET {C("FireCount")} = m.Sequence, {C("State")} = m.State, {C("StateReason")} = m.Reason, {C("LastFiredAt")} = m.FiredAt, ")
                .Append($"{C("LastFiredPrice")} = m.Price, {C("Armed")} = m.Armed, {C("TrailingExtreme")} = m.TrailingExtreme, {C("StepAnchor")} = m.StepAnchor, ")
                .Append($"{C("Version")} = {C("Version")} + 1, {C("UpdatedAt")} = @now ")
                .Append($"WHERE {C("Version")} = m.Version AND {C("FireCount")} = m.FireCount AND {C("Paused")} = @paused AND {C("State")} NOT IN ({Latched}) ")
                .Append($"AND ({C("ExpiresAt")} IS NULL OR {C("ExpiresAt")} > m.FiredAt) ")
                .Append($"AND ({C("MaxFires")} IS NULL OR {C("FireCount")} - {C("MaxFiresCountedFrom")} < {C("MaxFires")}) ")
                .Append($"AND ({C("FrequencyType")} <> '{nameof(FrequencyType.Once)}' OR {C("FireCount")} = {C("ArmedAtFireCount")}) ")
                .Append("AND (m.LastFiredBy IS NULL OR ").Append(C("LastFiredAt")).Append(" IS NULL OR ").Append(C("LastFiredAt")).Append(" <= m.LastFiredBy)");
            command.CommandText = text.ToString();
            affected += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return affected;
    }

    private static DbParameter[] Build(TableCommands table, DbCommand command, System.Text.StringBuilder text, int slot)
    {
        var parameters = Parameters.Select(parameter => table.Parameter(command, Name(slot, parameter.Name), parameter.Property)).ToArray();
        var p = new SlotNames(slot);
        string C(string property) => table.Column(property);
        text.Append($"UPDATE {table.Table} SET {C("FireCount")} = {p["Sequence"]}, {C("State")} = {p["State"]}, {C("StateReason")} = {p["Reason"]}, ")
            .Append($"{C("LastFiredAt")} = {p["FiredAt"]}, {C("LastFiredPrice")} = {p["Price"]}, {C("Armed")} = {p["Armed"]}, ")
            .Append($"{C("TrailingExtreme")} = {p["TrailingExtreme"]}, {C("StepAnchor")} = {p["StepAnchor"]}, ")
            .Append($"{C("Version")} = {C("Version")} + 1, {C("UpdatedAt")} = {p["Now"]} ")
            .Append($"WHERE {C("Id")} = {p["Id"]} AND {C("Version")} = {p["Version"]} AND {C("FireCount")} = {p["FireCount"]} ")
            .Append($"AND {C("Paused")} = {p["Paused"]} AND {C("State")} NOT IN ({Latched}) ")
            .Append($"AND ({C("ExpiresAt")} IS NULL OR {C("ExpiresAt")} > {p["FiredAt"]}) ")
            .Append($"AND ({C("MaxFires")} IS NULL OR {C("FireCount")} - {C("MaxFiresCountedFrom")} < {C("MaxFires")}) ")
            .Append($"AND ({C("FrequencyType")} <> '{nameof(FrequencyType.Once)}' OR {C("FireCount")} = {C("ArmedAtFireCount")}) ")
            // Cooldown and once-a-day: the last firing lies far enough back (null: the rule's frequency sets no bound).
            .Append($"AND ({p["LastFiredBy"]} IS NULL OR {C("LastFiredAt")} IS NULL OR {C("LastFiredAt")} <= {p["LastFiredBy"]});\n");
        return parameters;
    }

    private static string Name(int slot, string parameter) => $"@f{slot}_{parameter}";

    /// <summary>The names of one statement's parameters, as <see cref="Build"/> adds them.</summary>
    private readonly record struct SlotNames(int Slot)
    {
        public string this[string parameter] => Name(Slot, parameter);
    }
}

/// <summary>
/// A firing to move its rule: the runtime it leaves (armed, trailing peak, step anchor) and the latest time the
/// rule's last firing may lie at for its cooldown or day, from the rule as stored (not as a memory believes it).
/// </summary>
internal sealed record FiringMove(FiringCandidate Candidate, RuleRuntime? Runtime, DateTime? LastFiredBy);
