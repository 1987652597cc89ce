namespace StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

/// <summary>
/// One indicator, updated once per closed bar and read in O(1): Closed after the latest close, Live as if the forming
/// bar closed at the given price. Definitions follow TradingView's: an EMA starts from the SMA of its first bars, RSI
/// smooths with Wilder's average, Bollinger uses the population deviation, highest/lowest look at the bars before
/// the current one (so that a price can make a new high).
/// </summary>
internal abstract class IndicatorCalculator
{
    /// <summary>Closed bars seen.</summary>
    public int Bars { get; private set; }

    /// <summary>Closed bars needed before every output has a value.</summary>
    public abstract int BarsNeeded { get; }

    public bool Ready => Bars >= BarsNeeded;

    public void Close(decimal high, decimal low, decimal close)
    {
        Bars++;
        OnClose((double)high, (double)low, (double)close);
    }

    // In doubles: an indicator is read on every price of every symbol that has one, and double arithmetic cost
    // several times as much (the reference tests hold them to 1e-6 of the exact values).
    protected abstract void OnClose(double high, double low, double close);

    public abstract double Closed(IndicatorOutput output);

    public abstract double Live(IndicatorOutput output, double price);

    public static IndicatorCalculator For(IndicatorSpec spec) => spec.Kind switch
    {
        IndicatorKind.Sma => new SmaCalculator(spec.Period),
        IndicatorKind.Ema => new EmaCalculator(spec.Period),
        IndicatorKind.Rsi => new RsiCalculator(spec.Period),
        IndicatorKind.Bollinger => new BollingerCalculator(spec.Period, (double)spec.Deviations),
        IndicatorKind.Macd => new MacdCalculator(spec.Fast, spec.Slow, spec.Signal),
        IndicatorKind.Highest => new ExtremeCalculator(spec.Period, highest: true),
        IndicatorKind.Lowest => new ExtremeCalculator(spec.Period, highest: false),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, null),
    };
}

/// <summary>The last N closes with their sum (and sum of squares): a moving window in O(1) per bar.</summary>
internal sealed class CloseWindow(int length)
{
    private readonly double[] values = new double[length];
    private int next;

    public int Count { get; private set; }
    public double Sum { get; private set; }
    public double SumOfSquares { get; private set; }

    /// <summary>The value the next close pushes out (0 while the window is not full).</summary>
    public double Oldest => Count < values.Length ? 0 : values[next];

    public void Add(double value)
    {
        var dropped = Oldest;
        Sum += value - dropped;
        SumOfSquares += value * value - dropped * dropped;
        values[next] = value;
        next = (next + 1) % values.Length;
        Count = Math.Min(Count + 1, values.Length);
    }
}

internal sealed class SmaCalculator(int period) : IndicatorCalculator
{
    private readonly CloseWindow window = new(period);

    public override int BarsNeeded => period;

    protected override void OnClose(double high, double low, double close) => window.Add(close);

    public override double Closed(IndicatorOutput output) => window.Sum / period;

    public override double Live(IndicatorOutput output, double price) => (window.Sum - window.Oldest + price) / period;
}

/// <summary>An exponential average seeded with the simple average of its first <c>period</c> values.</summary>
internal sealed class ExponentialAverage(int period)
{
    private readonly double alpha = 2.0 / (period + 1);
    private double seedSum;

    public int Count { get; private set; }
    public bool Ready => Count >= period;
    public double Value { get; private set; }

    public void Add(double value)
    {
        Count++;
        if (Count < period)
        {
            seedSum += value;
        }
        else if (Count == period)
        {
            Value = (seedSum + value) / period;
        }
        else
        {
            Value += alpha * (value - Value);
        }
    }

    public double With(double value) => Value + alpha * (value - Value);
}

internal sealed class EmaCalculator(int period) : IndicatorCalculator
{
    private readonly ExponentialAverage average = new(period);

    public override int BarsNeeded => period;

    protected override void OnClose(double high, double low, double close) => average.Add(close);

    public override double Closed(IndicatorOutput output) => average.Value;

    public override double Live(IndicatorOutput output, double price) => average.With(price);
}

internal sealed class RsiCalculator(int period) : IndicatorCalculator
{
    private double? previousClose;
    private double gainSum;
    private double lossSum;
    private int changes;
    private double averageGain;
    private double averageLoss;

    public override int BarsNeeded => period + 1;

    protected override void OnClose(double high, double low, double close)
    {
        if (previousClose is { } previous)
        {
            var change = close - previous;
            var gain = Math.Max(change, 0);
            var loss = Math.Max(-change, 0);
            changes++;
            if (changes < period)
            {
                gainSum += gain;
                lossSum += loss;
            }
            else if (changes == period)
            {
                averageGain = (gainSum + gain) / period;
                averageLoss = (lossSum + loss) / period;
            }
            else
            {
                (averageGain, averageLoss) = Smooth(averageGain, averageLoss, change);
            }
        }

        previousClose = close;
    }

    public override double Closed(IndicatorOutput output) => Rsi(averageGain, averageLoss);

    public override double Live(IndicatorOutput output, double price)
    {
        var (gain, loss) = Smooth(averageGain, averageLoss, price - (previousClose ?? price));
        return Rsi(gain, loss);
    }

    private (double Gain, double Loss) Smooth(double gain, double loss, double change) =>
        ((gain * (period - 1) + Math.Max(change, 0)) / period, (loss * (period - 1) + Math.Max(-change, 0)) / period);

    public static double Rsi(double gain, double loss) => loss == 0 ? 100 : gain == 0 ? 0 : 100 - 100 / (1 + gain / loss);
}

internal sealed class BollingerCalculator(int period, double deviations) : IndicatorCalculator
{
    private readonly CloseWindow window = new(period);

    public override int BarsNeeded => period;

    protected override void OnClose(double high, double low, double close) => window.Add(close);

    public override double Closed(IndicatorOutput output) => Band(output, window.Sum, window.SumOfSquares);

    public override double Live(IndicatorOutput output, double price)
    {
        var oldest = window.Oldest;
        return Band(output, window.Sum - oldest + price, window.SumOfSquares - oldest * oldest + price * price);
    }

    private double Band(IndicatorOutput output, double sum, double sumOfSquares)
    {
        var middle = sum / period;
        if (output is IndicatorOutput.Middle or IndicatorOutput.Value)
        {
            return middle;
        }

        // Population variance; rounding can leave a tiny negative for a flat window.
        var variance = Math.Max(0, (sumOfSquares - sum * middle) / period);
        var width = deviations * Math.Sqrt(variance);
        return output == IndicatorOutput.Upper ? middle + width : middle - width;
    }
}

internal sealed class MacdCalculator(int fast, int slow, int signal) : IndicatorCalculator
{
    private readonly ExponentialAverage fastAverage = new(fast);
    private readonly ExponentialAverage slowAverage = new(slow);
    private readonly ExponentialAverage signalAverage = new(signal);

    public override int BarsNeeded => slow + signal - 1;

    protected override void OnClose(double high, double low, double close)
    {
        fastAverage.Add(close);
        slowAverage.Add(close);
        if (slowAverage.Ready)
        {
            signalAverage.Add(fastAverage.Value - slowAverage.Value);
        }
    }

    public override double Closed(IndicatorOutput output) => Pick(output, fastAverage.Value - slowAverage.Value, signalAverage.Value);

    public override double Live(IndicatorOutput output, double price)
    {
        var line = fastAverage.With(price) - slowAverage.With(price);
        return Pick(output, line, signalAverage.With(line));
    }

    private static double Pick(IndicatorOutput output, double line, double signalLine) => output switch
    {
        IndicatorOutput.Signal => signalLine,
        IndicatorOutput.Histogram => line - signalLine,
        _ => line,
    };
}

/// <summary>
/// The highest high (or lowest low) of the N bars before the current one: live, the N latest closed bars (the forming
/// bar is the current one); at a close, the N bars before the one that closed. Two monotonic queues, O(1) a bar.
/// </summary>
internal sealed class ExtremeCalculator(int period, bool highest) : IndicatorCalculator
{
    private readonly MonotonicWindow latest = new(period, highest);
    private readonly MonotonicWindow beforeLatest = new(period, highest);
    private double? pending;

    public override int BarsNeeded => period + 1;

    protected override void OnClose(double high, double low, double close)
    {
        var extreme = highest ? high : low;
        if (pending is { } previous)
        {
            beforeLatest.Add(Bars - 1, previous);
        }

        latest.Add(Bars, extreme);
        pending = extreme;
    }

    public override double Closed(IndicatorOutput output) => beforeLatest.Extreme;

    public override double Live(IndicatorOutput output, double price) => latest.Extreme;
}

internal sealed class MonotonicWindow(int length, bool highest)
{
    // A ring, not a linked list: a close allocates nothing once the ring has grown to the window's length.
    private readonly RingBuffer<(int Index, double Value)> queue = new();

    public double Extreme => queue.Count == 0 ? 0 : queue.Front.Value;

    public void Add(int index, double value)
    {
        while (queue.Count > 0 && (highest ? queue.Back.Value <= value : queue.Back.Value >= value))
        {
            queue.PopBack();
        }

        queue.PushBack((index, value));
        while (queue.Front.Index <= index - length)
        {
            queue.PopFront();
        }
    }
}
