using System.Text.Json;
using System.Text.Json.Serialization;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Alerts.ManageRules;

namespace StockAlerts.Modules.Alerts.Data;

/// <summary>
/// Indicator and compound conditions stored as JSON: the request's own shape with every default written out and
/// every part's symbol named, plus where each symbol's day starts (for day bars), taken from its kind at creation.
/// </summary>
internal static class StoredConditions
{
    public const int MaxLength = 4000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private sealed record Stored(ConditionRequest Condition, Dictionary<string, string> DayZones);

    public static bool IsStored(ConditionType type) => type is ConditionType.Indicator or ConditionType.Compound;

    /// <summary>The validated condition as it is kept and shown: defaults written out, each part's symbol named.</summary>
    public static ConditionRequest Normalize(ConditionRequest condition, string symbol, Func<string, string> canonicalSymbol)
    {
        var type = ConditionRequestValidator.TypeOf(condition.Type)!.Value;
        var empty = new ConditionRequest(ApiNames(type), null, null, null, null, null, null, null);
        return type switch
        {
            ConditionType.Indicator => empty with
            {
                Left = OperandShapes.FromEngine(OperandShapes.ToEngine(condition.Left!)),
                Operator = ApiNames(ConditionRequestValidator.TypeOf(condition.Operator)!.Value),
                Right = OperandShapes.FromEngine(OperandShapes.ToEngine(condition.Right!)),
                Evaluate = condition.Evaluate ?? "barClose",
            },
            ConditionType.Compound => empty with
            {
                Match = condition.Match,
                Conditions = condition.Conditions!.Select(part =>
                {
                    var partSymbol = canonicalSymbol(part.Symbol ?? symbol);
                    return Normalize(part, partSymbol, canonicalSymbol) with { Symbol = partSymbol };
                }).ToArray(),
            },
            _ => condition with { Type = ApiNames(type) },
        };
    }

    public static string Write(ConditionRequest normalized, IReadOnlyDictionary<string, string> dayZones) =>
        JsonSerializer.Serialize(new Stored(normalized, new Dictionary<string, string>(dayZones)), Json);

    public static (ConditionRequest Condition, IReadOnlyDictionary<string, string> DayZones) Read(string json)
    {
        var stored = JsonSerializer.Deserialize<Stored>(json, Json)!;
        return (stored.Condition, stored.DayZones);
    }

    /// <summary>The stored condition as the API shows it (no storage details), for the account export.</summary>
    public static string Describe(string json) => JsonSerializer.Serialize(Read(json).Condition, Json);

    /// <summary>The engine's condition for a stored indicator or compound condition.</summary>
    public static AlertCondition ToEngine(string json, string symbol)
    {
        var (condition, zones) = Read(json);
        return ToEngine(condition, symbol, zones);
    }

    private static AlertCondition ToEngine(ConditionRequest condition, string symbol, IReadOnlyDictionary<string, string> zones)
    {
        var type = ConditionRequestValidator.TypeOf(condition.Type)!.Value;
        switch (type)
        {
            case ConditionType.Indicator:
                var indicator = new IndicatorCondition(OperandShapes.ToEngine(condition.Left!), OperandShapes.ToEngine(condition.Right!), condition.Evaluate != "live")
                {
                    DayZone = zones.GetValueOrDefault(symbol, "UTC"),
                };
                return indicator.ToCondition(ConditionRequestValidator.TypeOf(condition.Operator)!.Value);
            case ConditionType.Compound:
                var parts = condition.Conditions!.Select(part => new CompoundPart(part.Symbol ?? symbol, ToEngine(part, part.Symbol ?? symbol, zones))).ToList();
                return new AlertCondition(ConditionType.Compound) { Compound = new CompoundCondition(condition.Match == "any" ? CompoundMatch.Any : CompoundMatch.All, parts) };
            default:
                return new AlertCondition(type) { Level = condition.Level, Lower = condition.Lower, Upper = condition.Upper };
        }
    }

    private static string ApiNames(ConditionType type) => Shared.Api.ApiNames.Name(type);
}
