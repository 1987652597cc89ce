namespace StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

/// <summary>A bar of history handed in to warm indicators (one minute, or any bar inside one of the timeframe's).</summary>
internal readonly record struct HistoryBar(DateTime Start, decimal High, decimal Low, decimal Close);

/// <summary>How far back stored history must reach to warm what waits: one-minute bars, and day bars for the 1d timeframe.</summary>
internal readonly record struct HistoryNeed(TimeSpan? Minutes, TimeSpan? Days);

/// <summary>
/// The bars and indicators of one symbol: a forming bar per timeframe in use, each indicator computed once per
/// (timeframe, kind, parameters) and each series once per distinct operands, whatever the number of rules on them.
/// A price costs O(1) per timeframe and per series; a bar close O(1) per indicator on that timeframe.
/// </summary>
/// <remarks>Made with the symbol's last price, that price starts the forming bar of each timeframe that comes.</remarks>
internal sealed class SymbolIndicators(TimeZoneInfo dayZone, (DateTime Time, decimal Price)? last = null)
{
    private readonly LiveClock clock = new(last?.Price);

    // A list, not a dictionary: every price walks it, and a symbol has a handful of timeframes at most.
    private readonly List<BarTrack> tracks = [];
    private readonly Dictionary<IndicatorSpec, IndicatorCalculator> calculators = [];
    private readonly Dictionary<SeriesKey, IndicatorSeries> series = [];
    private readonly List<bool> readiness = [];

    /// <summary>Series that got their first values at the latest price, clock step or warm-up.</summary>
    public List<IndicatorSeries> ReadyNow { get; } = [];

    /// <summary>The latest change was a price (not a bar closed by the clock): live readings moved with it.</summary>
    public bool Ticked { get; private set; }

    /// <summary>Counts changes to the indicators (a close, a warm-up, a new series): live values at a price differ after one.</summary>
    public long Changes { get; private set; }

    /// <summary>Series whose timeframe closed a bar at the latest price or clock step.</summary>
    public List<IndicatorSeries> ClosedNow { get; } = [];

    public IndicatorSeries Ensure(IndicatorCondition condition, ConditionType type)
    {
        var key = SeriesKey.Of(condition, type);
        if (series.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var timeframe = condition.Timeframe;
        var track = Track(timeframe);
        var created = new IndicatorSeries(key, timeframe, Calculator(key.Left, track), key.Right is { } right ? Calculator(right, track) : null, clock);
        created.Restart(track.LastClose);
        Changes++;
        series.Add(key, created);
        track.Series.Add(created);
        // Sized for every series now, at admission: grown on the first closes instead, they were young arrays hung on
        // an old symbol, which the collector then promotes while prices flow.
        ClosedNow.EnsureCapacity(series.Count);
        ReadyNow.EnsureCapacity(series.Count);
        return created;
    }

    /// <summary>A fresh price: closes the forming bar of every timeframe it has left; live readings follow it when asked for.</summary>
    public void OnTick(DateTime time, decimal price)
    {
        Begin();
        foreach (var track in tracks)
        {
            if (track.End is { } end && time >= end)
            {
                CloseBar(track);
            }

            if (track.End is null)
            {
                (track.Start, track.End) = Timeframes.BarOf(track.Timeframe, time, dayZone);
                track.High = track.Low = track.Close = price;
            }
            else
            {
                track.High = Math.Max(track.High, price);
                track.Low = Math.Min(track.Low, price);
                track.Close = price;
            }
        }

        clock.Advance(price);
        last = (time, price);
        Ticked = true;
    }

    /// <summary>The clock passed the end of a forming bar with no price since: the bar closes now, on its last price.</summary>
    public bool CloseDue(DateTime time)
    {
        Begin();
        foreach (var track in tracks)
        {
            if (track.End is { } end && time >= end)
            {
                CloseBar(track);
            }
        }

        return ClosedNow.Count > 0;
    }

    /// <summary>The price batch or clock step is over: its closes and live moves are no longer events.</summary>
    public void EndStep() => Begin();

    /// <summary>How far back history must reach to warm the indicators not ready yet (null: all are ready).</summary>
    public HistoryNeed? HistoryNeeded()
    {
        TimeSpan? minutes = null, days = null;
        foreach (var (spec, calculator) in calculators)
        {
            if (!calculator.Ready)
            {
                // Day bars are kept far longer than minutes (SMA(200, 1d) needs most of a year): they come as days.
                ref var needed = ref spec.Timeframe == Timeframe.OneDay ? ref days : ref minutes;
                var span = HistorySpan(spec);
                needed = needed is { } longest && longest > span ? longest : span;
            }
        }

        return minutes is null && days is null ? null : new HistoryNeed(minutes, days);
    }

    /// <summary>How far back stored bars must reach for the indicator to have values at once.</summary>
    public static TimeSpan HistorySpan(IndicatorSpec spec)
    {
        // Bars are only made where prices came: a day bar counts trading days (and a weekend passes in any week), so
        // reach back half as far again; a shorter bar one more day, for a weekend.
        var bars = IndicatorCalculator.For(spec).BarsNeeded + 1;
        return spec.Timeframe == Timeframe.OneDay
            ? Timeframes.Length(spec.Timeframe) * bars * 1.5
            : Timeframes.Length(spec.Timeframe) * bars + TimeSpan.FromDays(3);
    }

    /// <summary>The indicators a condition uses, with the symbol each is on (a compound's parts name theirs).</summary>
    public static IEnumerable<(string Symbol, IndicatorSpec Spec)> SpecsOf(AlertRule rule)
    {
        var conditions = rule.Condition.Compound is { } compound
            ? compound.Parts.Select(part => (part.Symbol, part.Condition))
            : [(rule.Symbol, rule.Condition)];
        foreach (var (symbol, condition) in conditions)
        {
            if (condition.Indicator is { } indicator)
            {
                foreach (var spec in new[] { indicator.Left.Indicator, indicator.Right.Indicator }.OfType<IndicatorSpec>())
                {
                    yield return (symbol, spec);
                }
            }
        }
    }

    /// <summary>
    /// Replays stored bars (oldest first) into every indicator not ready yet: each is rebuilt from the complete bars
    /// before its timeframe's forming one, and kept if that saw more bars than it had. Day bars, when given, warm the
    /// 1d timeframe (one-minute history does not reach back far enough for it).
    /// </summary>
    public void Warm(IReadOnlyList<HistoryBar> history, DateTime now, IReadOnlyList<HistoryBar>? days = null)
    {
        Begin();
        foreach (var track in tracks)
        {
            var cutoff = track.Start ?? Timeframes.BarOf(track.Timeframe, now, dayZone).Start;
            var bars = Aggregate(track.Timeframe, track.Timeframe == Timeframe.OneDay && days is not null ? days : history, cutoff);
            if (bars.Count == 0)
            {
                continue;
            }

            var replaced = false;
            foreach (var spec in track.Specs)
            {
                var current = calculators[spec];
                if (current.Ready)
                {
                    continue;
                }

                var fresh = IndicatorCalculator.For(spec);
                foreach (var bar in bars)
                {
                    fresh.Close(bar.High, bar.Low, bar.Close);
                }

                if (fresh.Bars > current.Bars)
                {
                    calculators[spec] = fresh;
                    replaced = true;
                }
            }

            track.LastClose ??= bars[^1].Close;
            if (!replaced)
            {
                continue;
            }

            foreach (var item in track.Series)
            {
                var wasReady = item.Ready;
                item.Replace(CalculatorOf(item.Key.Left), item.Key.Right is { } right ? CalculatorOf(right) : null);
                item.Restart(track.LastClose);
                Changes++;
                NoteReady(item, wasReady);
            }
        }
    }

    private void Begin()
    {
        Ticked = false;
        ReadyNow.Clear();
        foreach (var item in ClosedNow)
        {
            item.ClosedNow = false;
        }

        ClosedNow.Clear();
    }

    private void CloseBar(BarTrack track)
    {
        var wasReady = readiness;
        wasReady.Clear();
        foreach (var item in track.Series)
        {
            wasReady.Add(item.Ready);
            item.Keep();
        }

        Changes++;

        foreach (var spec in track.Specs)
        {
            calculators[spec].Close(track.High, track.Low, track.Close);
        }

        track.LastClose = track.Close;
        track.Start = track.End = null;
        for (var i = 0; i < track.Series.Count; i++)
        {
            var item = track.Series[i];
            item.ReadClose(track.Close);
            ClosedNow.Add(item);
            NoteReady(item, wasReady[i]);
        }
    }

    private void NoteReady(IndicatorSeries item, bool wasReady)
    {
        if (!wasReady && item.Ready)
        {
            ReadyNow.Add(item);
        }
    }

    private List<HistoryBar> Aggregate(Timeframe timeframe, IReadOnlyList<HistoryBar> history, DateTime cutoff)
    {
        var bars = new List<HistoryBar>();
        DateTime? start = null;
        foreach (var bar in history)
        {
            var (barStart, barEnd) = Timeframes.BarOf(timeframe, bar.Start, dayZone);
            if (barEnd > cutoff)
            {
                break;
            }

            if (start == barStart)
            {
                var forming = bars[^1];
                bars[^1] = new HistoryBar(barStart, Math.Max(forming.High, bar.High), Math.Min(forming.Low, bar.Low), bar.Close);
            }
            else
            {
                bars.Add(bar with { Start = barStart });
                start = barStart;
            }
        }

        return bars;
    }

    private IndicatorCalculator? Calculator(Operand operand, BarTrack track)
    {
        if (operand.Indicator is not { } spec)
        {
            return null;
        }

        if (!calculators.TryGetValue(spec, out var calculator))
        {
            calculator = IndicatorCalculator.For(spec);
            calculators.Add(spec, calculator);
            track.Specs.Add(spec);
        }

        return calculator;
    }

    private IndicatorCalculator? CalculatorOf(Operand operand) => operand.Indicator is { } spec ? calculators[spec] : null;

    private BarTrack Track(Timeframe timeframe)
    {
        var track = tracks.Find(item => item.Timeframe == timeframe);
        if (track is null)
        {
            track = new BarTrack(timeframe);
            if (last is { } price)
            {
                (track.Start, track.End) = Timeframes.BarOf(timeframe, price.Time, dayZone);
                track.High = track.Low = track.Close = price.Price;
            }

            tracks.Add(track);
        }

        return track;
    }

    // The forming bar of one timeframe (Start and End null between a close by the clock and the next price).
    private sealed class BarTrack(Timeframe timeframe)
    {
        public Timeframe Timeframe { get; } = timeframe;
        public DateTime? Start { get; set; }
        public DateTime? End { get; set; }
        public decimal High { get; set; }
        public decimal Low { get; set; }
        public decimal Close { get; set; }
        public decimal? LastClose { get; set; }
        public List<IndicatorSpec> Specs { get; } = [];
        public List<IndicatorSeries> Series { get; } = [];
    }
}
