using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>
/// What each kind of operand takes (one table for the validator, the OpenAPI document and the mapping to the engine),
/// with TradingView's defaults where it has them: RSI 14, Bollinger 20 and 2, MACD 12, 26, 9.
/// </summary>
internal static class OperandShapes
{
    public const string Value = "value";
    public const string Period = "period";
    public const string Timeframe = "timeframe";
    public const string Deviations = "deviations";
    public const string Fast = "fast";
    public const string Slow = "slow";
    public const string Signal = "signal";
    public const string Output = "output";

    public const int MaxPeriod = 500;

    public static readonly IReadOnlyList<string> Types = ["price", "value", "sma", "ema", "rsi", "bollinger", "macd", "highest", "lowest"];

    public static readonly IReadOnlyList<string> AllFields = [Value, Period, Timeframe, Deviations, Fast, Slow, Signal, Output];

    public static readonly IReadOnlyList<string> BollingerOutputs = ["upper", "middle", "lower"];

    public static readonly IReadOnlyList<string> MacdOutputs = ["macd", "signal", "histogram"];

    public static (IReadOnlyList<string> Fields, IReadOnlyList<string> Required) Of(string type) => type switch
    {
        "price" => ([], []),
        "value" => ([Value], [Value]),
        "sma" or "ema" or "highest" or "lowest" => ([Period, Timeframe], [Period, Timeframe]),
        "rsi" => ([Period, Timeframe], [Timeframe]),
        "bollinger" => ([Period, Deviations, Timeframe, Output], [Timeframe]),
        "macd" => ([Fast, Slow, Signal, Timeframe, Output], [Timeframe]),
        _ => ([], []),
    };

    public static string Describe(string type) => type switch
    {
        "price" => "The latest price (at bar close: the bar's close).",
        "value" => "A number: a price level, an RSI level such as 30, a MACD level such as 0.",
        "sma" => "Simple moving average of the closes over `period` bars.",
        "ema" => "Exponential moving average of the closes over `period` bars (started from their simple average).",
        "rsi" => "Relative strength index, Wilder's smoothing, over `period` bars (default 14); 0 to 100.",
        "bollinger" => "Bollinger bands over `period` bars (default 20), `deviations` standard deviations wide (default 2): `output` upper, middle or lower; as the `right` of a channel operator, the band between lower and upper (no `output`).",
        "macd" => "MACD with `fast`, `slow` and `signal` lengths (default 12, 26, 9): `output` macd (the line, default), signal or histogram.",
        "highest" => "The highest high of the `period` bars before the current one (a price above it is a new high; 252 daily bars: the 52-week high).",
        "lowest" => "The lowest low of the `period` bars before the current one.",
        _ => "",
    };

    public static bool IsIndicator(string? type) => type is not null && Types.Contains(type) && type is not ("price" or "value");

    public static object? ValueOf(OperandRequest operand, string field) => field switch
    {
        Value => operand.Value,
        Period => operand.Period,
        Timeframe => operand.Timeframe,
        Deviations => operand.Deviations,
        Fast => operand.Fast,
        Slow => operand.Slow,
        Signal => operand.Signal,
        Output => operand.Output,
        _ => null,
    };

    /// <summary>The engine's operand for a validated request (defaults filled in).</summary>
    public static Operand ToEngine(OperandRequest operand)
    {
        var type = operand.Type!.ToLowerInvariant();
        if (type == "price")
        {
            return Operand.Price;
        }

        if (type == "value")
        {
            return Operand.Number(operand.Value!.Value);
        }

        Timeframes.TryParse(operand.Timeframe, out var timeframe);
        var spec = type switch
        {
            "sma" => new IndicatorSpec(IndicatorKind.Sma, timeframe, operand.Period!.Value),
            "ema" => new IndicatorSpec(IndicatorKind.Ema, timeframe, operand.Period!.Value),
            "highest" => new IndicatorSpec(IndicatorKind.Highest, timeframe, operand.Period!.Value),
            "lowest" => new IndicatorSpec(IndicatorKind.Lowest, timeframe, operand.Period!.Value),
            "rsi" => new IndicatorSpec(IndicatorKind.Rsi, timeframe, operand.Period ?? 14),
            "bollinger" => new IndicatorSpec(IndicatorKind.Bollinger, timeframe, operand.Period ?? 20) { Deviations = operand.Deviations ?? 2 },
            _ => new IndicatorSpec(IndicatorKind.Macd, timeframe, operand.Slow ?? 26) { Fast = operand.Fast ?? 12, Slow = operand.Slow ?? 26, Signal = operand.Signal ?? 9 },
        };
        var output = operand.Output?.ToLowerInvariant() switch
        {
            "upper" => IndicatorOutput.Upper,
            "middle" => IndicatorOutput.Middle,
            "lower" => IndicatorOutput.Lower,
            "signal" => IndicatorOutput.Signal,
            "histogram" => IndicatorOutput.Histogram,
            _ => type == "macd" ? IndicatorOutput.Macd : IndicatorOutput.Value,
        };
        return Operand.Of(spec, output);
    }

    /// <summary>The request written back from the engine's operand, with every parameter spelled out (what the API shows).</summary>
    public static OperandRequest FromEngine(Operand operand)
    {
        if (operand.Kind == OperandKind.Price)
        {
            return new OperandRequest("price", null, null, null, null, null, null, null, null);
        }

        if (operand.Kind == OperandKind.Value)
        {
            return new OperandRequest("value", operand.Value, null, null, null, null, null, null, null);
        }

        var spec = operand.Indicator!;
        var timeframe = Timeframes.Name(spec.Timeframe);
        return spec.Kind switch
        {
            IndicatorKind.Macd => new OperandRequest("macd", null, null, timeframe, null, spec.Fast, spec.Slow, spec.Signal, operand.Output.ToString().ToLowerInvariant()),
            IndicatorKind.Bollinger => new OperandRequest("bollinger", null, spec.Period, timeframe, spec.Deviations, null, null, null,
                operand.Output == IndicatorOutput.Value ? null : operand.Output.ToString().ToLowerInvariant()),
            _ => new OperandRequest(spec.Kind.ToString().ToLowerInvariant(), null, spec.Period, timeframe, null, null, null, null, null),
        };
    }
}
