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

    // A firing's values, in the order ValuesOf gives them. Now and Paused are the same for every firing.
    private static readonly (string Name, string Property)[] Parameters =
    [
        ("Sequence", "FireCount"), ("State", "State"), ("Reason", "StateReason"), ("FiredAt", "LastFiredAt"), ("Price", "LastFiredPrice"),
        ("Armed", "Armed"), ("TrailingExtreme", "TrailingExtreme"), ("StepAnchor", "StepAnchor"), ("Now", "UpdatedAt"), ("Id", "Id"),
        ("Version", "Version"), ("FireCount", "FireCount"), ("Paused", "Paused"), ("LastFiredBy", "LastFiredAt"),
    ];

    // In the joined form each firing is a row of the derived table; Now and Paused are one parameter each.
    private static readonly int[] PerFiring = [.. Enumerable.Range(0, Parameters.Length).Where(index => Parameters[index].Name is not ("Now" or "Paused"))];

    /// <summary>How many of the firings moved their rule (in order, so a rule's second firing applies onto its first).</summary>
    public static Task<int> MoveAsync(AlertsDbContext database, IReadOnlyList<FiringMove> moves, DateTime now, CancellationToken cancellationToken)
    {
        var table = new TableCommands(database, typeof(AlertRuleRecord));
        if (table.PerCommand(PerFiring.Length) > 1 && moves.Count > 1)
        {
            return MoveInRoundsAsync(table, moves, now, cancellationToken);
        }
        return table.RunAsync(moves.Count, table.PerCommand(Parameters.Length), (command, text, slot) => Build(table, command, text, slot), (parameters, item) =>
        {
            var values = ValuesOf(moves[item], now);
            for (var index = 0; index < values.Length; index++)
            {
                table.Set(parameters[index], Parameters[index].Property, values[index]);
            }
        }, cancellationToken);
    }

    private static object?[] ValuesOf(FiringMove move, DateTime now)
    {
        var (candidate, runtime, lastFiredBy) = move;
        return
        [
            candidate.Sequence, RuleMapping.StateName(candidate.State), candidate.Reason, candidate.Time, candidate.Price,
            runtime == null || runtime.Armed, runtime?.TrailingExtreme, runtime?.StepAnchor, now, candidate.RuleId,
            candidate.StoredVersion, candidate.Sequence - 1, false, lastFiredBy,
        ];
    }

    /// <summary>
    /// A rule's k-th firing among the moves goes into round k: each round moves every rule in it once, onto the round
    /// before (several price batches stored together hold rules that fired in more than one of them).
    /// </summary>
    private static async Task<int> MoveInRoundsAsync(TableCommands table, IReadOnlyList<FiringMove> moves, DateTime now, CancellationToken cancellationToken)
    {
        var rounds = new List<List<FiringMove>>();
        var seen = new Dictionary<Guid, int>(moves.Count);
        foreach (var move in moves)
        {
            seen.TryGetValue(move.Candidate.RuleId, out var round);
            seen[move.Candidate.RuleId] = round + 1;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }
            rounds[round].Add(move);
        }
        var affected = 0;
        foreach (var round in rounds)
        {
            affected += await MoveJoinedAsync(table, round, now, cancellationToken);
        }
        return affected;
    }

    /// <summary>
    /// MariaDB/MySQL: the firings of up to a few hundred rules in one UPDATE, joined to their values as a derived
    /// table, under the same guards. One statement per firing made the server parse and run 100,000 statements for
    /// a burst of 100,000 firings. Each rule once: a rule's second firing applies onto its first, which one joined
    /// UPDATE cannot do (see <see cref="MoveInRoundsAsync"/>). The derived table is read first (STRAIGHT_JOIN), so each rule
    /// is found by its key.
    /// </summary>
    private static async Task<int> MoveJoinedAsync(TableCommands table, IReadOnlyList<FiringMove> moves, DateTime now, CancellationToken cancellationToken)
    {
        var perCommand = table.PerCommand(PerFiring.Length);
        var affected = 0;
        for (var first = 0; first < moves.Count; first += perCommand)
        {
            await using var command = table.NewCommand();
            var text = new System.Text.StringBuilder("UPDATE (");
            var size = Math.Min(perCommand, moves.Count - first);
            for (var slot = 0; slot < size; slot++)
            {
                var values = ValuesOf(moves[first + slot], now);
                text.Append(slot == 0 ? "SELECT " : " UNION ALL SELECT ");
                foreach (var index in PerFiring)
                {
                    var (name, property) = Parameters[index];
                    var parameter = table.Parameter(command, Name(slot, name), property);
                    table.Set(parameter, property, values[index]);
                    text.Append(index == PerFiring[0] ? "" : ", ").Append(parameter.ParameterName).Append(slot == 0 ? $" AS {name}" : "");
                }
            }
            table.Set(table.Parameter(command, "@now", "UpdatedAt"), "UpdatedAt", now);
            table.Set(table.Parameter(command, "@paused", "Paused"), "Paused", false);
            // Ids are stored as ascii char(36) (the migrations' Guid columns); the derived table's are the
            // connection's utf8mb4, and comparing the two would convert the key column and lose its index.
            text.Append($") AS m STRAIGHT_JOIN {table.Table} AS r ON r.{table.Column("Id")} = CONVERT(m.Id USING ascii) ");
            AppendMove(text, table, "r.", name => name switch { "Now" => "@now", "Paused" => "@paused", _ => $"m.{name}" });
            command.CommandText = text.ToString();
            affected += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return affected;
    }

    private static DbParameter[] Build(TableCommands table, DbCommand command, System.Text.StringBuilder text, int slot)
    {
        var parameters = Parameters.Select(parameter => table.Parameter(command, Name(slot, parameter.Name), parameter.Property)).ToArray();
        text.Append($"UPDATE {table.Table} ");
        AppendMove(text, table, "", name => Name(slot, name), $"{table.Column("Id")} = {Name(slot, "Id")} AND ");
        text.Append(";\n");
        return parameters;
    }

    /// <summary>
    /// The move and its guards, once for both forms: <paramref name="value"/> names where each of a firing's values is
    /// read from (a parameter, or the derived table's column), <paramref name="rule"/> prefixes the rule's columns.
    /// </summary>
    private static void AppendMove(System.Text.StringBuilder text, TableCommands table, string rule, Func<string, string> value, string key = "")
    {
        string C(string property) => rule + table.Column(property);
        text.Append($"SET {C("FireCount")} = {value("Sequence")}, {C("State")} = {value("State")}, {C("StateReason")} = {value("Reason")}, ")
            .Append($"{C("LastFiredAt")} = {value("FiredAt")}, {C("LastFiredPrice")} = {value("Price")}, {C("Armed")} = {value("Armed")}, ")
            .Append($"{C("TrailingExtreme")} = {value("TrailingExtreme")}, {C("StepAnchor")} = {value("StepAnchor")}, ")
            .Append($"{C("Version")} = {C("Version")} + 1, {C("UpdatedAt")} = {value("Now")} ")
            .Append($"WHERE {key}{C("Version")} = {value("Version")} AND {C("FireCount")} = {value("FireCount")} ")
            .Append($"AND {C("Paused")} = {value("Paused")} AND {C("State")} NOT IN ({Latched}) ")
            .Append($"AND ({C("ExpiresAt")} IS NULL OR {C("ExpiresAt")} > {value("FiredAt")}) ")
            .Append($"AND ({C("MaxFires")} IS NULL OR {C("FireCount")} - {C("MaxFiresCountedFrom")} < {C("MaxFires")}) ")
            .Append($"AND ({C("FrequencyType")} <> '{nameof(FrequencyType.Once)}' OR {C("FireCount")} = {C("ArmedAtFireCount")}) ")
            // Cooldown and once-a-day: the last firing lies far enough back (null: the rule's frequency sets no bound).
            .Append($"AND ({value("LastFiredBy")} IS NULL OR {C("LastFiredAt")} IS NULL OR {C("LastFiredAt")} <= {value("LastFiredBy")})");
    }

    private static string Name(int slot, string parameter) => $"@f{slot}_{parameter}";
}

/// <summary>
/// A firing to move its rule: the runtime it leaves (armed, trailing peak, step anchor) and the latest time the
/// rule's last firing may lie at for its cooldown or day, from the rule as stored (not as a memory believes it).
/// </summary>
internal sealed record FiringMove(FiringCandidate Candidate, RuleRuntime? Runtime, DateTime? LastFiredBy);
