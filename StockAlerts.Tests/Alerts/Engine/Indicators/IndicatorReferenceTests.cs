using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Tests.Alerts.Engine.Indicators;

// The incremental indicators against a straightforward reference that recomputes every value from the whole list of
// bars (TradingView's definitions), over random series: every close and a live price after each.
public sealed class IndicatorReferenceTests
{
    private const decimal Tolerance = 0.000001m;

    private static readonly IndicatorSpec[] Specs =
    [
        new(IndicatorKind.Sma, Timeframe.OneHour, 1),
        new(IndicatorKind.Sma, Timeframe.OneHour, 20),
        new(IndicatorKind.Ema, Timeframe.OneHour, 1),
        new(IndicatorKind.Ema, Timeframe.OneHour, 9),
        new(IndicatorKind.Ema, Timeframe.OneHour, 50),
        new(IndicatorKind.Rsi, Timeframe.OneHour, 14),
        new(IndicatorKind.Rsi, Timeframe.OneHour, 2),
        new(IndicatorKind.Bollinger, Timeframe.OneHour, 20) { Deviations = 2 },
        new(IndicatorKind.Bollinger, Timeframe.OneHour, 5) { Deviations = 1.5m },
        new(IndicatorKind.Macd, Timeframe.OneHour, 26) { Fast = 12, Slow = 26, Signal = 9 },
        new(IndicatorKind.Macd, Timeframe.OneHour, 5) { Fast = 3, Slow = 5, Signal = 2 },
        new(IndicatorKind.Highest, Timeframe.OneHour, 10),
        new(IndicatorKind.Lowest, Timeframe.OneHour, 10),
        new(IndicatorKind.Highest, Timeframe.OneHour, 1),
    ];

    [Test]
    public void EveryIndicator_OnRandomSeries_MatchesTheReference([Values(1, 7, 42, 2024)] int seed, [Range(0, 13)] int which)
    {
        var spec = Specs[which];
        var random = new Random(seed);
        var calculator = IndicatorCalculator.For(spec);
        var bars = new List<(decimal High, decimal Low, decimal Close)>();
        var price = 100m;
        var compared = 0;
        for (var i = 0; i < 300; i++)
        {
            // Flat stretches too: a zero deviation, no losses, equal highs.
            var close = random.Next(10) == 0 ? price : Math.Round(price * (1 + (decimal)(random.NextDouble() - 0.5) / 25), 4);
            var high = close + Math.Round((decimal)random.NextDouble(), 2);
            var low = close - Math.Round((decimal)random.NextDouble(), 2);
            bars.Add((high, low, close));
            calculator.Close(high, low, close);
            price = close;

            Assert.That(calculator.Ready, Is.EqualTo(Reference.Closed(spec, IndicatorOutput.Value, bars) is not null), $"ready after {bars.Count} bars");
            var live = Math.Round(price * (1 + (decimal)(random.NextDouble() - 0.5) / 25), 4);
            foreach (var output in Outputs(spec.Kind))
            {
                if (Reference.Closed(spec, output, bars) is { } expected)
                {
                    AssertClose((decimal)calculator.Closed(output), expected, $"{output} after bar {bars.Count}");
                    var withForming = bars.Append((live, live, live)).ToList();
                    var expectedLive = spec.Kind is IndicatorKind.Highest or IndicatorKind.Lowest
                        ? Reference.Extreme(spec, bars, bars.Count)
                        : Reference.Closed(spec, output, withForming)!.Value;
                    AssertClose((decimal)calculator.Live(output, (double)live), expectedLive, $"live {output} after bar {bars.Count}");
                    compared++;
                }
            }
        }

        Assert.That(compared, Is.GreaterThan(200));
    }

    private static IndicatorOutput[] Outputs(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Bollinger => [IndicatorOutput.Upper, IndicatorOutput.Middle, IndicatorOutput.Lower],
        IndicatorKind.Macd => [IndicatorOutput.Macd, IndicatorOutput.Signal, IndicatorOutput.Histogram],
        _ => [IndicatorOutput.Value],
    };

    private static void AssertClose(decimal actual, decimal expected, string what) =>
        Assert.That(actual, Is.EqualTo(expected).Within(Tolerance * Math.Max(1, Math.Abs(expected))), what);

    // Every value from scratch, as the textbook (and TradingView's Pine) defines it.
    private static class Reference
    {
        public static decimal? Closed(IndicatorSpec spec, IndicatorOutput output, List<(decimal High, decimal Low, decimal Close)> bars)
        {
            var closes = bars.Select(bar => bar.Close).ToList();
            switch (spec.Kind)
            {
                case IndicatorKind.Sma:
                    return closes.Count < spec.Period ? null : closes.TakeLast(spec.Period).Average();
                case IndicatorKind.Ema:
                    return Ema(closes, spec.Period) is { Count: > 0 } ema ? ema[^1] : null;
                case IndicatorKind.Rsi:
                    return Rsi(closes, spec.Period);
                case IndicatorKind.Bollinger:
                    if (closes.Count < spec.Period)
                    {
                        return null;
                    }

                    var window = closes.TakeLast(spec.Period).ToList();
                    var mean = window.Average();
                    var deviation = (decimal)Math.Sqrt((double)(window.Sum(value => (value - mean) * (value - mean)) / spec.Period));
                    return output switch
                    {
                        IndicatorOutput.Upper => mean + spec.Deviations * deviation,
                        IndicatorOutput.Lower => mean - spec.Deviations * deviation,
                        _ => mean,
                    };
                case IndicatorKind.Macd:
                    var fast = Ema(closes, spec.Fast);
                    var slow = Ema(closes, spec.Slow);
                    if (slow.Count == 0)
                    {
                        return null;
                    }

                    // The MACD line exists from the slow average's first value on; the signal averages that line.
                    var line = slow.Select((value, i) => fast[fast.Count - slow.Count + i] - value).ToList();
                    var signal = Ema(line, spec.Signal);
                    if (signal.Count == 0)
                    {
                        return null;
                    }

                    return output switch
                    {
                        IndicatorOutput.Signal => signal[^1],
                        IndicatorOutput.Histogram => line[^1] - signal[^1],
                        _ => line[^1],
                    };
                default:
                    // At a close: the N bars before the one that closed.
                    return bars.Count < spec.Period + 1 ? null : Extreme(spec, bars, bars.Count - 1);
            }
        }

        /// <summary>Highest high (lowest low) of the N bars that end before position <paramref name="end"/>.</summary>
        public static decimal Extreme(IndicatorSpec spec, List<(decimal High, decimal Low, decimal Close)> bars, int end)
        {
            var window = bars.Skip(end - spec.Period).Take(spec.Period).ToList();
            return spec.Kind == IndicatorKind.Highest ? window.Max(bar => bar.High) : window.Min(bar => bar.Low);
        }

        // Values from the period-th on: the first is the simple average, then alpha = 2 / (n + 1).
        private static List<decimal> Ema(List<decimal> values, int period)
        {
            var result = new List<decimal>();
            if (values.Count < period)
            {
                return result;
            }

            var alpha = 2m / (period + 1);
            var ema = values.Take(period).Average();
            result.Add(ema);
            foreach (var value in values.Skip(period))
            {
                ema = alpha * value + (1 - alpha) * ema;
                result.Add(ema);
            }

            return result;
        }

        // Wilder: the first averages are simple averages of the first N changes, then avg = (avg * (N - 1) + x) / N.
        private static decimal? Rsi(List<decimal> closes, int period)
        {
            if (closes.Count < period + 1)
            {
                return null;
            }

            var changes = closes.Skip(1).Select((close, i) => close - closes[i]).ToList();
            var gain = changes.Take(period).Sum(change => Math.Max(change, 0)) / period;
            var loss = changes.Take(period).Sum(change => Math.Max(-change, 0)) / period;
            foreach (var change in changes.Skip(period))
            {
                gain = (gain * (period - 1) + Math.Max(change, 0)) / period;
                loss = (loss * (period - 1) + Math.Max(-change, 0)) / period;
            }

            return loss == 0 ? 100 : gain == 0 ? 0 : 100 - 100 / (1 + gain / loss);
        }
    }
}
