using System.Text.Json.Nodes;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>Which fields each condition type takes: one table for the validator and for the OpenAPI document.</summary>
internal static class ConditionShapes
{
    public const string Level = "level";
    public const string Lower = "lower";
    public const string Upper = "upper";
    public const string Amount = "amount";
    public const string Percent = "percent";
    public const string WindowMinutes = "windowMinutes";
    public const string Reference = "reference";
    public const string Left = "left";
    public const string Operator = "operator";
    public const string Right = "right";
    public const string Evaluate = "evaluate";
    public const string Match = "match";
    public const string Conditions = "conditions";

    public static readonly IReadOnlyList<string> AllFields = [Level, Lower, Upper, Amount, Percent, WindowMinutes, Reference, Left, Operator, Right, Evaluate, Match, Conditions];

    /// <summary>The operators of an indicator condition, and the kinds a compound's part may be.</summary>
    public static readonly IReadOnlyList<ConditionType> Operators =
    [
        ConditionType.Above, ConditionType.Below, ConditionType.CrossesAbove, ConditionType.CrossesBelow, ConditionType.Crosses,
        ConditionType.EntersChannel, ConditionType.ExitsChannel, ConditionType.InsideChannel, ConditionType.OutsideChannel,
    ];

    public static readonly IReadOnlyList<ConditionType> PartTypes = [.. Operators, ConditionType.Indicator];

    /// <summary>The fields the type takes, and which of them are required ("amount or percent": exactly one of the two).</summary>
    public static (IReadOnlyList<string> Fields, IReadOnlyList<string> Required) Of(ConditionType type) => type switch
    {
        ConditionType.Above or ConditionType.Below or ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses => ([Level], [Level]),
        ConditionType.EntersChannel or ConditionType.ExitsChannel or ConditionType.InsideChannel or ConditionType.OutsideChannel => ([Lower, Upper], [Lower, Upper]),
        ConditionType.MovesUp or ConditionType.MovesDown => ([Amount, Percent, WindowMinutes], [WindowMinutes]),
        ConditionType.PercentChange => ([Percent, Reference], [Percent, Reference]),
        ConditionType.TrailingDrawdown or ConditionType.TrailingRise or ConditionType.Step => ([Amount, Percent], []),
        ConditionType.Indicator => ([Left, Operator, Right, Evaluate], [Left, Operator, Right]),
        ConditionType.Compound => ([Match, Conditions], [Match, Conditions]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool Takes(ConditionType type, string field) => Of(type).Fields.Contains(field);

    public static bool TakesAmountOrPercent(ConditionType type) => Takes(type, Amount) && Takes(type, Percent) && type != ConditionType.PercentChange;

    public static string Describe(ConditionType type) => type switch
    {
        ConditionType.Above => "The price is at or above `level` (fires when it gets there; with a frequency, again while it stays).",
        ConditionType.Below => "The price is at or below `level`.",
        ConditionType.CrossesAbove => "The price crosses `level` upwards.",
        ConditionType.CrossesBelow => "The price crosses `level` downwards.",
        ConditionType.Crosses => "The price crosses `level` either way, up or down (TradingView's Crossing); each crossing is one event. No `rearm.margin`: the crossing back is the next alert (use `frequency.cooldownSeconds` for a price that hovers at the level).",
        ConditionType.EntersChannel => "The price moves into the band from `lower` to `upper`.",
        ConditionType.ExitsChannel => "The price leaves the band from `lower` to `upper`.",
        ConditionType.InsideChannel => "The price is inside the band from `lower` to `upper`.",
        ConditionType.OutsideChannel => "The price is outside the band from `lower` to `upper`.",
        ConditionType.MovesUp => "The price rises by `amount` (or `percent`) within `windowMinutes`.",
        ConditionType.MovesDown => "The price falls by `amount` (or `percent`) within `windowMinutes`.",
        ConditionType.PercentChange => "The price is `percent` (signed) away from its `reference`: the previous close, the day's open, or the price when the rule was made.",
        ConditionType.TrailingDrawdown => "The price falls `amount` (or `percent`) below its highest since the rule was armed.",
        ConditionType.TrailingRise => "The price rises `amount` (or `percent`) above its lowest since the rule was armed.",
        ConditionType.Step => "The price moves `amount` (or `percent`) from where it last fired (a ladder: every step up or down).",
        ConditionType.Indicator => "`left` compared with `right` by `operator`, where each side is the price, a number or an indicator (SMA, EMA, RSI, Bollinger bands, MACD, highest high, lowest low) on a timeframe. "
            + "A channel operator (`entersChannel`, `exitsChannel`, `insideChannel`, `outsideChannel`) takes Bollinger bands as `right` (no `output`). `evaluate`: `barClose` (default) judges only when a bar of the timeframe closes, on its close; `live` on every price, the forming bar counting as the latest. "
            + "The rule shows `noData` with reason `warmingUp` until the indicators have enough bars.",
        ConditionType.Compound => "Every one (`match` all) or at least one (`match` any) of 2 to 5 `conditions`: price level, channel or indicator conditions, each on the rule's symbol or on the `symbol` it names (at least one on the rule's). "
            + "The rule acts when the whole becomes true; a crossing part is true only at the price that crosses. A symbol without a fresh price makes the rule `noData`.",
        _ => "",
    };

    public static JsonObject Example(ConditionType type)
    {
        var example = new JsonObject { ["type"] = char.ToLowerInvariant(type.ToString()[0]) + type.ToString()[1..] };
        switch (type)
        {
            case ConditionType.Above or ConditionType.Below or ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses:
                example[Level] = 200;
                break;
            case ConditionType.EntersChannel or ConditionType.ExitsChannel or ConditionType.InsideChannel or ConditionType.OutsideChannel:
                example[Lower] = 180;
                example[Upper] = 220;
                break;
            case ConditionType.MovesUp or ConditionType.MovesDown:
                example[Percent] = 2;
                example[WindowMinutes] = 30;
                break;
            case ConditionType.PercentChange:
                example[Percent] = -3;
                example[Reference] = "previousClose";
                break;
            case ConditionType.Indicator:
                example[Left] = new JsonObject { ["type"] = "rsi", ["period"] = 14, ["timeframe"] = "1h" };
                example[Operator] = "crossesBelow";
                example[Right] = new JsonObject { ["type"] = "value", ["value"] = 30 };
                example[Evaluate] = "barClose";
                break;
            case ConditionType.Compound:
                example[Match] = "all";
                example[Conditions] = new JsonArray(
                    new JsonObject { ["type"] = "below", ["level"] = 1.05 },
                    new JsonObject { ["symbol"] = "USDJPY", ["type"] = "above", ["level"] = 150 });
                break;
            default:
                example[Percent] = 5;
                break;
        }
        return example;
    }
}
