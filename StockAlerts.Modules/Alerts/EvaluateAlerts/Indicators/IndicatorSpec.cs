namespace StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

internal enum IndicatorKind
{
    Sma,
    Ema,
    Rsi,
    Bollinger,
    Macd,
    Highest,
    Lowest,
}

/// <summary>Which line of an indicator: Value for the one-line ones; Upper, Middle, Lower for Bollinger; Macd, Signal, Histogram for MACD.</summary>
internal enum IndicatorOutput
{
    Value,
    Upper,
    Middle,
    Lower,
    Macd,
    Signal,
    Histogram,
}

/// <summary>
/// One indicator on one timeframe with its parameters: the key under which a symbol computes it once for every rule
/// that uses it. Period is the length for all but MACD (which uses Fast, Slow and Signal); Deviations is Bollinger's k.
/// </summary>
internal sealed record IndicatorSpec(IndicatorKind Kind, Timeframe Timeframe, int Period)
{
    public decimal Deviations { get; init; }
    public int Fast { get; init; }
    public int Slow { get; init; }
    public int Signal { get; init; }

    /// <summary>"RSI(14, 1h)", "BB(20, 2, 15m)", "MACD(12, 26, 9, 1h)", "highest(252, 1d)".</summary>
    public string Text => Kind switch
    {
        IndicatorKind.Bollinger => $"BB({Period}, {NumberText.Price(Deviations)}, {Timeframes.Name(Timeframe)})",
        IndicatorKind.Macd => $"MACD({Fast}, {Slow}, {Signal}, {Timeframes.Name(Timeframe)})",
        IndicatorKind.Highest => $"highest high({Period}, {Timeframes.Name(Timeframe)})",
        IndicatorKind.Lowest => $"lowest low({Period}, {Timeframes.Name(Timeframe)})",
        _ => $"{Kind.ToString().ToUpperInvariant()}({Period}, {Timeframes.Name(Timeframe)})",
    };
}

internal enum OperandKind
{
    Price,
    Value,
    Indicator,
}

/// <summary>One side of an indicator condition: the price, a number, or a line of an indicator.</summary>
internal sealed record Operand(OperandKind Kind)
{
    public decimal? Value { get; init; }
    public IndicatorSpec? Indicator { get; init; }
    public IndicatorOutput Output { get; init; }

    public static Operand Price { get; } = new(OperandKind.Price);

    public static Operand Number(decimal value) => new(OperandKind.Value) { Value = value };

    public static Operand Of(IndicatorSpec indicator, IndicatorOutput output = IndicatorOutput.Value) =>
        new(OperandKind.Indicator) { Indicator = indicator, Output = output };

    public string Text => Kind switch
    {
        OperandKind.Price => "price",
        OperandKind.Value => NumberText.Price(Value ?? 0),
        _ => Output switch
        {
            IndicatorOutput.Value => Indicator!.Text,
            IndicatorOutput.Macd => $"the MACD line of {Indicator!.Text}",
            IndicatorOutput.Histogram => $"the MACD histogram of {Indicator!.Text}",
            _ => $"the {Output.ToString().ToLowerInvariant()} {(Output == IndicatorOutput.Signal ? "line" : "band")} of {Indicator!.Text}",
        },
    };
}

/// <summary>
/// A condition on indicators: the rule's condition type is the operator, applied to Left against Right (a number, the
/// price or another indicator line; for a channel operator, Right is a Bollinger indicator and the channel its bands).
/// OnBarClose: judged only when a bar of the indicators' timeframe closes, on its close; otherwise on every price,
/// with the forming bar counting as the latest. DayZone: where the instrument's day starts (1d bars).
/// </summary>
internal sealed record IndicatorCondition(Operand Left, Operand Right, bool OnBarClose)
{
    public string DayZone { get; init; } = "UTC";

    public Timeframe Timeframe => (Left.Indicator ?? Right.Indicator)!.Timeframe;

    public static bool IsChannel(ConditionType type) =>
        type is ConditionType.EntersChannel or ConditionType.ExitsChannel or ConditionType.InsideChannel or ConditionType.OutsideChannel;

    /// <summary>
    /// The engine's condition: the operator with its thresholds on the series (<see cref="SeriesKey"/>) — the number,
    /// 0 for a difference of two lines, the band 0 to 1 for a position in Bollinger bands.
    /// </summary>
    public AlertCondition ToCondition(ConditionType type) => IsChannel(type)
        ? new AlertCondition(type) { Lower = 0, Upper = 1, Indicator = this }
        : new AlertCondition(type) { Level = Right.Kind == OperandKind.Value ? Right.Value ?? 0 : 0, Indicator = this };
}
