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
/// One series of one symbol, read twice: live (at the symbol's latest price, the forming bar counting as the latest)
/// and at bar close. Each reading keeps the one before it, which is what a crossing compares with.
/// </summary>
/// <remarks>
/// The live reading is worked out when asked for, not on every price: a price only moves the symbol's clock
/// (<see cref="LiveClock"/>), and most prices ask nothing of most series (the index skips a series whose value cannot
/// have passed a threshold, see <see cref="LiveBand"/>). The indicators change only at a bar close or a warm-up; before
/// they do, the reading at the latest price is kept, so the previous reading is always the one the price before saw.
/// </remarks>
internal sealed class IndicatorSeries(SeriesKey key, Timeframe timeframe, IndicatorCalculator? left, IndicatorCalculator? right, LiveClock clock)
{
    private long restartTick = -1;
    private long keptTick = -1;
    private SeriesReading? kept;
    private long cachedTick = -1;
    private SeriesReading? cached;

    public SeriesKey Key { get; } = key;
    public Timeframe Timeframe { get; } = timeframe;

    /// <summary>Changes whenever the indicators behind the live reading change (a close, a warm-up).</summary>
    public long Version { get; private set; }

    public SeriesReading? Live => LiveAt(clock.Tick);

    public SeriesReading? PreviousLive => clock.Tick == restartTick || clock.Tick == 0 ? null : LiveAt(clock.Tick - 1);

    public SeriesReading? Closed { get; private set; }
    public SeriesReading? PreviousClosed { get; private set; }

    /// <summary>A bar of the series' timeframe closed at the current reading.</summary>
    public bool ClosedNow { get; set; }

    public bool Ready => (left?.Ready ?? true) && (right?.Ready ?? true);

    /// <summary>
    /// Whether the live value moves one way only with the price while a bar forms (up, down or not at all): true for
    /// the price, averages, MACD and RSI, their differences with a line of the kind that is linear in the price, and
    /// the price within Bollinger bands; not for a band line itself or two nonlinear lines against each other.
    /// </summary>
    public bool Monotone { get; } = key.Form switch
    {
        SeriesForm.Raw => Shape(key.Left) != LineShape.Other,
        SeriesForm.Difference => (Shape(key.Left), Shape(key.Right!)) switch
        {
            (LineShape.Other, _) or (_, LineShape.Other) => false,
            (LineShape.Flat, _) or (_, LineShape.Flat) => true,
            (LineShape.Straight, LineShape.Straight) => true,
            _ => false,
        },
        _ => key.Left.Kind == OperandKind.Price,
    };

    /// <summary>The indicators are about to change: the live reading at the latest price stays what it was until the next price.</summary>
    public void Keep()
    {
        if (!Key.AtClose && keptTick != clock.Tick)
        {
            kept = LiveAt(clock.Tick);
            keptTick = clock.Tick;
        }

        Version++;
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
    public void Restart(decimal? lastClose)
    {
        PreviousClosed = null;
        Closed = Key.AtClose && Ready && lastClose is { } close ? Read(close, live: false) : null;
        restartTick = clock.Tick;
        keptTick = cachedTick = -1;
        Version++;
    }

    public void Replace(IndicatorCalculator? newLeft, IndicatorCalculator? newRight)
    {
        left = newLeft;
        right = newRight;
    }

    /// <summary>
    /// The prices around <paramref name="price"/> within which the live value stays strictly between two thresholds
    /// (null: none that side), as the indicators stand; null when the value is not that far inside. Only for a
    /// <see cref="Monotone"/> series: the value of any price between two prices then lies between their values, so
    /// checking the two ends is enough. The ends are kept a margin inside, far more than double rounding can move them.
    /// </summary>
    public (double Low, double High)? LiveBand(double price, decimal? below, decimal? above)
    {
        if (!Ready)
        {
            // No value at any price until the indicators change.
            return (double.NegativeInfinity, double.PositiveInfinity);
        }

        var margin = Key.Form == SeriesForm.PercentB ? 1e-4 : 1e-9 * (1 + Math.Abs(price));
        var low = below is { } b ? (double)b + margin : double.NegativeInfinity;
        var high = above is { } a ? (double)a - margin : double.PositiveInfinity;
        if (!Inside(price, low, high) || (Key.Form == SeriesForm.PercentB && !WellSpread(price)))
        {
            return null;
        }

        var reach = (Math.Abs(price) + 1) / 2;
        return (Edge(price, price - reach, low, high), Edge(price, price + reach, low, high));
    }

    private bool Inside(double price, double low, double high)
    {
        var value = RawLive(price);
        return value > low && value < high;
    }

    // The farthest price found from inside towards far that is still inside: far itself, or a point within a
    // ten-thousandth of the price of the edge (bisection; a tighter band only costs a visit more).
    private double Edge(double inside, double far, double low, double high)
    {
        if (Inside(far, low, high))
        {
            return far;
        }

        var tolerance = Math.Abs(inside) * 1e-4 + 1e-12;
        for (var step = 0; step < 40 && Math.Abs(far - inside) > tolerance; step++)
        {
            var middle = inside + (far - inside) / 2;
            if (Inside(middle, low, high))
            {
                inside = middle;
            }
            else
            {
                far = middle;
            }
        }

        return inside;
    }

    // %B divides by the bands' width, the root of a difference of nearly equal sums over a nearly flat window: its
    // rounding could then move the value more than the margin. Such a bar is not banded. The bands are narrowest
    // where the price sits at the mean of the window's other closes.
    private bool WellSpread(double price)
    {
        var period = Key.Right!.Indicator!.Period;
        var flattest = period > 1 ? right!.Live(IndicatorOutput.Middle, 0) * period / (period - 1) : price;
        var width = right!.Live(IndicatorOutput.Upper, flattest) - right.Live(IndicatorOutput.Lower, flattest);
        var scale = Math.Abs(right.Live(IndicatorOutput.Upper, price)) + Math.Abs(right.Live(IndicatorOutput.Lower, price));
        return width > 1e-4 * scale;
    }

    private SeriesReading? LiveAt(long tick)
    {
        if (Key.AtClose)
        {
            return null;
        }

        if (keptTick == tick)
        {
            return kept;
        }

        if (cachedTick == tick)
        {
            return cached;
        }

        var price = tick == clock.Tick ? clock.Price : clock.PreviousPrice;
        cached = Ready && price is { } at ? Read(at, live: true) : null;
        cachedTick = tick;
        return cached;
    }

    private SeriesReading Read(decimal price, bool live)
    {
        var at = (double)price;
        var (value, leftValue, rightValue, upper) = Values(at, live);
        return new SeriesReading(ToDecimal(value), leftValue, rightValue, upper, price);
    }

    private double RawLive(double at) => Values(at, live: true).Value;

    // The series' value and the operands behind it (Right is the lower band for %B).
    private (double Value, double Left, double? Right, double? Upper) Values(double at, bool live)
    {
        var leftValue = Value(Key.Left, left, at, live);
        if (Key.Form == SeriesForm.Raw)
        {
            return (leftValue, leftValue, null, null);
        }

        if (Key.Form == SeriesForm.Difference)
        {
            var rightValue = Value(Key.Right!, right, at, live);
            return (leftValue - rightValue, leftValue, rightValue, null);
        }

        var lower = live ? right!.Live(IndicatorOutput.Lower, at) : right!.Closed(IndicatorOutput.Lower);
        var upper = live ? right.Live(IndicatorOutput.Upper, at) : right.Closed(IndicatorOutput.Upper);
        // A flat window has no width: the value is inside only when it sits on the band.
        var position = upper > lower ? (leftValue - lower) / (upper - lower)
            : leftValue > upper ? 2 : leftValue < lower ? -1 : 0.5;
        return (position, leftValue, lower, upper);
    }

    private static double Value(Operand operand, IndicatorCalculator? calculator, double price, bool live) => operand.Kind switch
    {
        OperandKind.Price => price,
        OperandKind.Value => (double)(operand.Value ?? 0),
        _ => live ? calculator!.Live(operand.Output, price) : calculator!.Closed(operand.Output),
    };

    // How a line moves with the price while a bar forms: not at all (a number, the extremes of closed bars), along a
    // straight rising line (price, averages, the Bollinger middle, MACD's lines), rising but not straight (RSI), or
    // neither (a Bollinger band line widens both ways).
    private static LineShape Shape(Operand operand) => operand.Kind switch
    {
        OperandKind.Value => LineShape.Flat,
        OperandKind.Price => LineShape.Straight,
        _ => operand.Indicator!.Kind switch
        {
            IndicatorKind.Highest or IndicatorKind.Lowest => LineShape.Flat,
            IndicatorKind.Rsi => LineShape.Rising,
            IndicatorKind.Bollinger when operand.Output is IndicatorOutput.Upper or IndicatorOutput.Lower => LineShape.Other,
            _ => LineShape.Straight,
        },
    };

    // Rounded to 12 places: a value that sits on a threshold (a difference of two equal averages) reads as exactly it.
    private static decimal ToDecimal(double value) => Math.Round((decimal)value, 12);

    private enum LineShape
    {
        Flat,
        Straight,
        Rising,
        Other,
    }
}

/// <summary>A symbol's count of prices and its two latest (what live readings are worked out at).</summary>
internal sealed class LiveClock
{
    public long Tick { get; private set; }
    public decimal? Price { get; private set; }
    public decimal? PreviousPrice { get; private set; }

    public LiveClock(decimal? price) => Price = price;

    public void Advance(decimal price)
    {
        PreviousPrice = Price;
        Price = price;
        Tick++;
    }
}
