namespace StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

internal enum SeriesForm
{
    /// <summary>The left operand itself, against the rule's number.</summary>
    Raw,

    /// <summary>Left minus right, against 0: "crosses above" is the difference turning from below 0 to 0 or more.</summary>
    Difference,

    /// <summary>Where left sits in right's Bollinger bands (0 at the lower band, 1 at the upper), against the channel 0 to 1.</summary>
    PercentB,
}

/// <summary>
/// What a rule on indicators is about: one value per reading, shared by every rule with the same operands and the same
/// moment of judging (AtClose: read at bar closes only; else on every price, never at closes).
/// </summary>
internal sealed record SeriesKey(Operand Left, Operand? Right, SeriesForm Form, bool AtClose)
{
    public static SeriesKey Of(IndicatorCondition condition, ConditionType type) =>
        condition.Right.Kind == OperandKind.Value ? new SeriesKey(condition.Left, null, SeriesForm.Raw, condition.OnBarClose)
        : IndicatorCondition.IsChannel(type)
            ? new SeriesKey(condition.Left, condition.Right, SeriesForm.PercentB, condition.OnBarClose)
            : new SeriesKey(condition.Left, condition.Right, SeriesForm.Difference, condition.OnBarClose);
}

/// <summary>The operands' values behind one reading of a series, for the firing's message.</summary>
/// <param name="Value">What the thresholds compare with (a decimal, as they are).</param>
/// <param name="Price">The price it was read at: the latest, or the close of the bar that closed.</param>
internal readonly record struct SeriesReading(decimal Value, double Left, double? Right, double? Upper, decimal Price);

/// <summary>
/// One series of one symbol, read twice: live (on every price, the forming bar counting as the latest) and at bar
/// close. Each reading keeps the one before it, which is what a crossing compares with.
/// </summary>
internal sealed class IndicatorSeries(SeriesKey key, Timeframe timeframe, IndicatorCalculator? left, IndicatorCalculator? right)
{
    public SeriesKey Key { get; } = key;
    public Timeframe Timeframe { get; } = timeframe;

    public SeriesReading? Live { get; private set; }
    public SeriesReading? PreviousLive { get; private set; }
    public SeriesReading? Closed { get; private set; }
    public SeriesReading? PreviousClosed { get; private set; }

    /// <summary>A bar of the series' timeframe closed at the current reading.</summary>
    public bool ClosedNow { get; set; }

    public bool Ready => (left?.Ready ?? true) && (right?.Ready ?? true);

    public void ReadLive(decimal price)
    {
        PreviousLive = Live;
        Live = Ready ? Read(price, live: true) : null;
    }

    public void ReadClose(decimal close)
    {
        if (Key.AtClose)
        {
            PreviousClosed = Closed;
            Closed = Ready ? Read(close, live: false) : null;
        }

        ClosedNow = true;
    }

    /// <summary>After a warm-up replaced its indicators, the series starts over from their values.</summary>
    public void Restart(decimal? lastClose, decimal? price)
    {
        PreviousClosed = PreviousLive = null;
        Closed = Key.AtClose && Ready && lastClose is { } close ? Read(close, live: false) : null;
        Live = !Key.AtClose && Ready && price is { } current ? Read(current, live: true) : null;
    }

    public void Replace(IndicatorCalculator? newLeft, IndicatorCalculator? newRight)
    {
        left = newLeft;
        right = newRight;
    }

    private SeriesReading Read(decimal price, bool live)
    {
        var at = (double)price;
        var leftValue = Value(Key.Left, left, at, live);
        if (Key.Form == SeriesForm.Raw)
        {
            return new SeriesReading(ToDecimal(leftValue), leftValue, null, null, price);
        }

        if (Key.Form == SeriesForm.Difference)
        {
            var rightValue = Value(Key.Right!, right, at, live);
            return new SeriesReading(ToDecimal(leftValue - rightValue), leftValue, rightValue, null, price);
        }

        var lower = live ? right!.Live(IndicatorOutput.Lower, at) : right!.Closed(IndicatorOutput.Lower);
        var upper = live ? right.Live(IndicatorOutput.Upper, at) : right.Closed(IndicatorOutput.Upper);
        // A flat window has no width: the value is inside only when it sits on the band.
        var position = upper > lower ? (leftValue - lower) / (upper - lower)
            : leftValue > upper ? 2 : leftValue < lower ? -1 : 0.5;
        return new SeriesReading(ToDecimal(position), leftValue, lower, upper, price);
    }

    private static double Value(Operand operand, IndicatorCalculator? calculator, double price, bool live) => operand.Kind switch
    {
        OperandKind.Price => price,
        OperandKind.Value => (double)(operand.Value ?? 0),
        _ => live ? calculator!.Live(operand.Output, price) : calculator!.Closed(operand.Output),
    };

    // Rounded to 12 places: a value that sits on a threshold (a difference of two equal averages) reads as exactly it.
    private static decimal ToDecimal(double value) => Math.Round((decimal)value, 12);
}
