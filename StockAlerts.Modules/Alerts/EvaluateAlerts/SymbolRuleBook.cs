using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Every rule that could act on a tick is reachable from one of these structures; everything else is skipped.
// Level rules sit in sorted sets so a move p0 -> p1 is a range query; rules whose reference travels (trailing,
// step, percent change) sit there by the band outside which they can act; armed window moves sit by threshold
// and are visited when the move over the longest window (a bound for every shorter one) reaches it; latched
// rules wait in the re-arm sets or the deadline queue. Only pending rules and rules without a reference yet
// are visited on every tick. Indicator conditions sit the same way on their series' values (live, or at bar close):
// a price visits only those whose series moved past their threshold, or whose bar closed past it.
// A compound rule is a member of the book of each of its symbols (their prices, staleness and deadlines reach it) and
// sits in each one's indexes at its parts' thresholds: a price visits it when a part's truth may have changed.
// Compounds are not judged on each price: a price batch moves several symbols at once, and an expression over them
// is judged once the whole batch is in (deferred), never on a mix of new and old prices that never existed together.
internal sealed class SymbolRuleBook
{
    private readonly string symbol;
    private readonly Func<string, SymbolRuleBook> bookOf;
    private readonly ISet<RuleSlot> deferred;
    // Any key added to or removed from these three ends the gap a price skips them by (SettleGap).
    private readonly LevelIndex crossingLevels;
    private readonly LevelIndex visitWhenPriceAtOrAbove;
    private readonly LevelIndex visitWhenPriceAtOrBelow;
    private readonly LevelIndex rearmWhenPriceAtOrBelow = new();
    private readonly LevelIndex rearmWhenPriceAtOrAbove = new();
    // Any key added to or removed from these four ends the smallest thresholds kept of them (moveFloors).
    private readonly LevelIndex movesUpByAmount;
    private readonly LevelIndex movesUpByPercent;
    private readonly LevelIndex movesDownByAmount;
    private readonly LevelIndex movesDownByPercent;
    // Active trailing rules that share the symbol's extreme since they joined (made on first use).
    private TrailGroup? drawdowns;
    private TrailGroup? rises;
    private readonly HashSet<RuleSlot> scanned = [];
    private readonly HashSet<RuleSlot> pending = [];
    private readonly HashSet<RuleSlot> marketReferenced = [];
    private readonly PriorityQueue<RuleSlot, DateTime> deadlines = new();
    private readonly List<RuleSlot> visits = [];
    private readonly Dictionary<IndicatorSeries, SeriesBook> seriesBooks = [];
    private readonly List<(IndicatorSeries Series, SeriesBook Book)> liveSeries = [];
    // The prices within which no live series of the symbol can pass a threshold (what their own bands have in
    // common), valid while the indicators stay as they were (bandChanges) and no threshold moves.
    private bool bandValid;
    private long bandChanges;
    private double bandLow;
    private double bandHigh;
    // The same for the price level indexes: prices strictly between gapLow and gapHigh reach no level.
    private bool gapValid;
    // The smallest threshold of each window-move index, kept in the book: a move below them all, as most are, is
    // answered without touching the indexes (on a symbol not seen for a while, each touch is a cache miss).
    private (decimal? UpByAmount, decimal? UpByPercent, decimal? DownByAmount, decimal? DownByPercent) moveFloors;
    private bool moveFloorsValid;
    private decimal gapLow;
    private decimal gapHigh;
    // Visit stamps are unique across books: a compound is a member of several, and a stamp one book gave it must
    // not read as "visited" in another.
    private static long stampSource;
    private long stamp;

    // The newest tick time seen: rules whose frequency blocks them until later are parked until then.
    private DateTime? now;

    public SymbolRuleBook(string symbol, Func<string, SymbolRuleBook> bookOf, ISet<RuleSlot> deferred)
    {
        (this.symbol, this.bookOf, this.deferred) = (symbol, bookOf, deferred);
        // Wired here, not in field initializers, which cannot refer to the book itself.
        Action endGap = () => gapValid = false;
        crossingLevels = new() { Changed = endGap };
        visitWhenPriceAtOrAbove = new() { Changed = endGap };
        visitWhenPriceAtOrBelow = new() { Changed = endGap };
        Action endMoveFloors = () => moveFloorsValid = false;
        movesUpByAmount = new() { Changed = endMoveFloors };
        movesUpByPercent = new() { Changed = endMoveFloors };
        movesDownByAmount = new() { Changed = endMoveFloors };
        movesDownByPercent = new() { Changed = endMoveFloors };
    }

    public MarketState Market { get; private set; } = new();

    public HashSet<RuleSlot> Rules { get; } = [];

    /// <summary>Entries in the deadline queue, dead ones included (kept bounded by compaction).</summary>
    public int QueuedDeadlines => deadlines.Count;

    /// <summary>How many rules the price queries handed to the evaluator: what the index saves shows here.</summary>
    public long Visited { get; private set; }

    public void Attach(RuleSlot slot)
    {
        AddMember(slot);
        Place(slot);
    }

    public void Detach(RuleSlot slot)
    {
        Unplace(slot);
        RemoveMember(slot);
        slot.Placement = null;
        slot.QueuedDeadline = null;
    }

    /// <summary>The rule's prices, staleness, series and deadlines are this book's (for a compound: one of its books).</summary>
    public void AddMember(RuleSlot slot)
    {
        Rules.Add(slot);
        foreach (var series in SeriesHere(slot))
        {
            SeriesBookOf(series).Rules.Add(slot);
        }

        if (IsMarketReferenced(slot.Rule.Condition))
        {
            marketReferenced.Add(slot);
        }
    }

    public void RemoveMember(RuleSlot slot)
    {
        Rules.Remove(slot);
        marketReferenced.Remove(slot);
        foreach (var series in SeriesHere(slot))
        {
            if (seriesBooks.TryGetValue(series, out var book))
            {
                book.Rules.Remove(slot);
            }
        }
    }

    /// <summary>Places a rule whose memberships are set (a compound, once for all its books).</summary>
    public void PlaceMember(RuleSlot slot) => Place(slot);

    public void UnplaceMember(RuleSlot slot)
    {
        Unplace(slot);
        slot.Placement = null;
        slot.QueuedDeadline = null;
    }

    private IEnumerable<IndicatorSeries> SeriesHere(RuleSlot slot)
    {
        if (slot.Runtime.Series is { } series)
        {
            yield return series;
        }

        foreach (var part in slot.Runtime.Parts ?? [])
        {
            if (part.Runtime.Series is { } partSeries && ReferenceEquals(part.Market, Market))
            {
                yield return partSeries;
            }
        }
    }

    /// <summary>
    /// Starts a symbol from a stored quote without evaluating anything: that quote was evaluated when it arrived.
    /// Rules waiting for a first price become active, and the next tick compares with this one. A symbol with rules
    /// that has seen prices is never primed: a price its rules missed must reach them by evaluation. One without
    /// rules starts over from a newer quote.
    /// </summary>
    public bool Prime(PriceTick tick, ICollection<RuleStateChange>? changes)
    {
        if (tick.IsStale)
        {
            return false;
        }

        if (Market.LastFreshTime is not null || Market.HasSeenStale)
        {
            if (Rules.Count > 0 || Market.LastFreshTime >= tick.Time)
            {
                return false;
            }

            Market = new MarketState();
        }

        if (!Market.TryBegin(tick, out _, out _))
        {
            return false;
        }

        Market.Complete(tick);
        ReleaseTrails();
        foreach (var slot in Rules)
        {
            RuleEvaluator.Resume(slot, tick.Price, tick.Time, changes, Market);
            Refresh(slot);
        }

        return true;
    }

    /// <summary>A price for this symbol; what fires is added to <paramref name="firings"/> (one list for a whole batch).</summary>
    public void Evaluate(PriceTick tick, ICollection<RuleStateChange>? changes, ref List<FiringCandidate>? firings)
    {
        if (now is null || tick.Time > now)
        {
            now = tick.Time;
        }

        if (IsQuiet(tick) && Market.TryQuietMove(tick))
        {
            return;
        }

        if (tick.IsStale)
        {
            if (Market.MarkStale())
            {
                ReleaseTrails();
                foreach (var slot in Rules)
                {
                    RuleEvaluator.MarkNoData(slot, tick.Time, changes);
                    Refresh(slot);
                }
            }

            return;
        }

        var references = (Market.PreviousClose, Market.DayOpen);
        if (!Market.TryBegin(tick, out var previous, out var recovering))
        {
            return;
        }

        if (references != (Market.PreviousClose, Market.DayOpen))
        {
            foreach (var slot in marketReferenced)
            {
                Refresh(slot);
            }
        }

        var price = tick.Price;
        if (recovering)
        {
            ReleaseTrails();
            foreach (var slot in Rules)
            {
                RuleEvaluator.Resume(slot, previous ?? price, tick.Time, changes, Market);
                Refresh(slot);
            }
        }

        ResumeReadySeries(previous ?? price, tick.Time, changes);
        ApplyDeadlines(tick.Time, previous ?? price, changes);
        ApplyPriceBands(price, tick.Time, changes);
        var candidates = CollectCandidates(price, previous);
        Visited += candidates.Count;
        foreach (var slot in candidates)
        {
            if (slot.Runtime.Parts is not null)
            {
                deferred.Add(slot);
                continue;
            }

            Release(slot);
            if (RuleEvaluator.Evaluate(slot, price, tick.Time, previous, Market, changes) is { } firing)
            {
                (firings ??= []).Add(firing);
            }

            Refresh(slot);
        }

        SettleBands(price);
        SettleGap(price);
        Market.Complete(tick);
    }

    // Most prices of a symbol whose rules all sit in the level indexes move inside the gap between its nearest levels
    // (from a price inside it too), with no deadline due: all the full path would do for them is note the price.
    private bool IsQuiet(PriceTick tick)
    {
        if (!gapValid || tick.IsStale || pending.Count > 0 || scanned.Count > 0 || seriesBooks.Count > 0
            || rearmWhenPriceAtOrBelow.Count > 0 || rearmWhenPriceAtOrAbove.Count > 0 || drawdowns?.Count > 0 || rises?.Count > 0
            || Market.LastFreshPrice is not { } last || (deadlines.TryPeek(out _, out var due) && due <= tick.Time))
        {
            return false;
        }

        if (marketReferenced.Count > 0 && ((tick.PreviousClose ?? Market.PreviousClose) != Market.PreviousClose || (tick.DayOpen ?? Market.DayOpen) != Market.DayOpen))
        {
            return false;
        }

        return SkipsLevels(tick.Price, last);
    }

    // A move from previous to price inside the level gap reaches no level (checked against the queries when testing).
    private bool SkipsLevels(decimal price, decimal? previous)
    {
        if (!gapValid || price <= gapLow || price >= gapHigh || (previous is { } before && (before <= gapLow || before >= gapHigh)))
        {
            return false;
        }

        if (CheckSkips)
        {
            CheckGapSkip(price, previous);
        }

        return true;
    }

    public IReadOnlyList<FiringCandidate> AdvanceClock(DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (now is { } seen && time <= seen)
        {
            return [];
        }

        now = time;
        var closed = Market.Indicators?.CloseDue(time) == true;
        if (closed && Market.LastFreshPrice is { } last && Market.HasFreshPrice)
        {
            ResumeReadySeries(last, time, changes);
        }

        ApplyDeadlines(time, Market.HasFreshPrice ? Market.LastFreshPrice : null, changes);
        List<FiringCandidate>? firings = null;
        if (closed && Market.LastFreshPrice is { } price)
        {
            // A bar closed by the clock: rules judged at bar close see it now, on the bar's last price.
            var candidates = CollectClosed();
            Visited += candidates.Count;
            foreach (var slot in candidates)
            {
                if (RuleEvaluator.Evaluate(slot, price, time, price, Market, changes) is { } firing)
                {
                    (firings ??= []).Add(firing);
                }

                Refresh(slot);
            }
        }

        if (pending.Count == 0)
        {
            return firings ?? (IReadOnlyList<FiringCandidate>)[];
        }

        foreach (var slot in pending.ToList())
        {
            if (RuleEvaluator.ConfirmByTime(slot, time, Market, changes) is { } firing)
            {
                (firings ??= []).Add(firing);
            }

            Refresh(slot);
        }

        return firings ?? (IReadOnlyList<FiringCandidate>)[];
    }

    /// <summary>A compound whose batch of prices is in, judged on its home symbol's latest price.</summary>
    public FiringCandidate? EvaluateDeferred(RuleSlot slot, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (Market.LastFreshPrice is not { } price)
        {
            return null;
        }

        var firing = RuleEvaluator.Evaluate(slot, price, time, price, Market, changes);
        Refresh(slot);
        return firing;
    }

    /// <summary>Stored bars for indicators still warming up; rules whose series now has values become active.</summary>
    public void Warm(IReadOnlyList<HistoryBar> history, IReadOnlyList<HistoryBar>? days, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (Market.Indicators is not { } indicators)
        {
            return;
        }

        indicators.Warm(history, time, days);
        if (Market.HasFreshPrice && Market.LastFreshPrice is { } price)
        {
            ResumeReadySeries(price, time, changes);
        }
    }

    private void ResumeReadySeries(decimal price, DateTime time, ICollection<RuleStateChange>? changes)
    {
        if (Market.Indicators is not { ReadyNow.Count: > 0 } indicators)
        {
            return;
        }

        foreach (var series in indicators.ReadyNow)
        {
            if (seriesBooks.TryGetValue(series, out var book))
            {
                foreach (var slot in book.Rules.ToList())
                {
                    RuleEvaluator.Resume(slot, price, time, changes, Market);
                    Refresh(slot);
                }
            }
        }
    }

    private void ApplyDeadlines(DateTime time, decimal? price, ICollection<RuleStateChange>? changes)
    {
        visits.Clear();
        while (deadlines.TryPeek(out var due, out var deadline) && deadline <= time)
        {
            deadlines.Dequeue();
            if (due.QueuedDeadline == deadline && Rules.Contains(due))
            {
                due.QueuedDeadline = null;
                visits.Add(due);
            }
        }

        foreach (var slot in visits)
        {
            Release(slot);
            RuleEvaluator.ApplyDeadlines(slot, time, price, changes);
            Refresh(slot);
        }
    }

    private void ApplyPriceBands(decimal price, DateTime time, ICollection<RuleStateChange>? changes)
    {
        visits.Clear();
        stamp = Interlocked.Increment(ref stampSource);
        rearmWhenPriceAtOrBelow.CollectAtOrAbove(price, visits, stamp);
        rearmWhenPriceAtOrAbove.CollectAtOrBelow(price, visits, stamp);
        foreach (var slot in visits)
        {
            RuleEvaluator.ApplyPriceBand(slot, price, time, changes);
            Refresh(slot);
        }
    }

    private List<RuleSlot> CollectCandidates(decimal price, decimal? previous)
    {
        visits.Clear();
        stamp = Interlocked.Increment(ref stampSource);
        foreach (var slot in pending)
        {
            Visit(slot);
        }

        foreach (var slot in scanned)
        {
            Visit(slot);
        }

        if (!SkipsLevels(price, previous))
        {
            CollectLevels(price, previous, visits, stamp);
        }

        drawdowns?.Move(price, visits, stamp);
        rises?.Move(price, visits, stamp);
        if (seriesBooks.Count > 0)
        {
            CollectLiveSeries(price);
            CollectClosedInto();
        }

        var (low, high) = Market.WidestWindow;
        if (low is null && high is null)
        {
            return visits;
        }

        if (!moveFloorsValid)
        {
            moveFloors = (movesUpByAmount.Lowest, movesUpByPercent.Lowest, movesDownByAmount.Lowest, movesDownByPercent.Lowest);
            moveFloorsValid = true;
        }

        if (low is { } windowLow)
        {
            CollectMoves(movesUpByAmount, moveFloors.UpByAmount, movesUpByPercent, moveFloors.UpByPercent, price - windowLow, windowLow);
        }

        if (high is { } windowHigh)
        {
            CollectMoves(movesDownByAmount, moveFloors.DownByAmount, movesDownByPercent, moveFloors.DownByPercent, windowHigh - price, windowHigh);
        }

        return visits;
    }

    // A series judged at bar close has no live reading: only its closes can visit its rules. A live series whose
    // value cannot have passed a threshold since it was last looked at (the price stayed within its band) is skipped.
    private void CollectLiveSeries(decimal price)
    {
        var at = (double)price;
        if (bandValid && bandChanges == Market.Indicators?.Changes && at > bandLow && at < bandHigh)
        {
            if (CheckSkips)
            {
                foreach (var (series, book) in liveSeries)
                {
                    CheckSkip(series, book, price);
                }
            }

            return;
        }

        bandValid = false;
        foreach (var (series, book) in liveSeries)
        {
            if (book.Banded && book.BandVersion == series.Version && at > book.BandLow && at < book.BandHigh)
            {
                if (CheckSkips)
                {
                    CheckSkip(series, book, price);
                }

                continue;
            }

            book.Banded = false;
            book.Live.Collect(series.Live, series.PreviousLive, visits, stamp);
        }
    }

    private void CollectLevels(decimal price, decimal? previous, List<RuleSlot> into, long at)
    {
        if (previous is { } start)
        {
            crossingLevels.CollectBetween(Math.Min(start, price), Math.Max(start, price), into, at);
        }

        visitWhenPriceAtOrAbove.CollectAtOrBelow(price, into, at);
        visitWhenPriceAtOrBelow.CollectAtOrAbove(price, into, at);
    }

    // Before the evaluator sees a rule, it leaves its trailing group with the group's extreme (the evaluator may
    // change that extreme; the group's would then be wrong for it), and is placed anew by the Refresh that follows.
    private static void Release(RuleSlot slot)
    {
        if (slot.Trail is { } group)
        {
            group.Leave(slot);
            slot.Placement = null;
        }
    }

    // The same before the evaluator sees every rule (staleness, recovery, a first price).
    private void ReleaseTrails()
    {
        foreach (var slot in (drawdowns?.Members() ?? []).Concat(rises?.Members() ?? []))
        {
            Release(slot);
        }
    }

    private void CheckGapSkip(decimal price, decimal? previous)
    {
        var missed = new List<RuleSlot>();
        CollectLevels(price, previous, missed, Interlocked.Increment(ref stampSource));
        Interlocked.Increment(ref SkippedByGap);
        if (missed.Count > 0)
        {
            throw new InvalidOperationException($"The level gap {gapLow}..{gapHigh} of {symbol} skipped {missed.Count} visits at {previous} -> {price}");
        }
    }

    // After a price's rules were looked at (and placed anew): the prices around it within which no price level can
    // be reached (the nearest crossing levels either side, the lowest "at or above" and highest "at or below" key),
    // so that a price moving inside them, as most do, skips the three level queries. Any key added or removed ends it.
    private void SettleGap(decimal price)
    {
        if (gapValid)
        {
            return;
        }

        var low = crossingLevels.LastAtOrBelow(price) ?? decimal.MinValue;
        var high = crossingLevels.FirstAtOrAbove(price) ?? decimal.MaxValue;
        if (visitWhenPriceAtOrBelow.Highest is { } highest && highest > low)
        {
            low = highest;
        }

        if (visitWhenPriceAtOrAbove.Lowest is { } lowest && lowest < high)
        {
            high = lowest;
        }

        (gapValid, gapLow, gapHigh) = (true, low, high);
    }

    /// <summary>How many times the level gap let a price skip the level queries (counted while <see cref="CheckSkips"/> is on).</summary>
    internal static long SkippedByGap;

    /// <summary>For the equivalence tests: every series a band skips is collected anyway, and must visit nothing.</summary>
    internal static bool CheckSkips { get; set; }

    /// <summary>How many times a band let a series go unread (counted while <see cref="CheckSkips"/> is on).</summary>
    internal static long SkippedByBand;

    private static void CheckSkip(IndicatorSeries series, SeriesBook book, decimal price)
    {
        var missed = new List<RuleSlot>();
        book.Live.Collect(series.Live, series.PreviousLive, missed, Interlocked.Increment(ref stampSource));
        Interlocked.Increment(ref SkippedByBand);
        if (missed.Count > 0)
        {
            throw new InvalidOperationException(
                $"The band of {series.Key} ({book.BandLow}..{book.BandHigh}) skipped {missed.Count} visits at {price}: {series.PreviousLive?.Value} -> {series.Live?.Value}");
        }
    }

    // After a price's rules were looked at (and placed anew): each live series not banded gets the prices within which
    // its value stays between its nearest thresholds, and the symbol the prices within all of them.
    private void SettleBands(decimal price)
    {
        if (bandValid || liveSeries.Count == 0)
        {
            return;
        }

        var at = (double)price;
        var (low, high, all) = (double.NegativeInfinity, double.PositiveInfinity, true);
        foreach (var (series, book) in liveSeries)
        {
            if (!book.Banded || book.BandVersion != series.Version)
            {
                book.Banded = false;
                if (series.Monotone && book.Live.Gap(series) is { } gap && series.LiveBand(at, gap.Below, gap.Above) is { } band)
                {
                    (book.Banded, book.BandVersion, book.BandLow, book.BandHigh) = (true, series.Version, band.Low, band.High);
                }
            }

            if (book.Banded)
            {
                (low, high) = (Math.Max(low, book.BandLow), Math.Min(high, book.BandHigh));
            }
            else
            {
                all = false;
            }
        }

        (bandValid, bandChanges, bandLow, bandHigh) = (all, Market.Indicators?.Changes ?? 0, low, high);
    }

    private List<RuleSlot> CollectClosed()
    {
        visits.Clear();
        stamp = Interlocked.Increment(ref stampSource);
        CollectClosedInto();
        return visits;
    }

    private void CollectClosedInto()
    {
        if (Market.Indicators is not { ClosedNow.Count: > 0 } indicators)
        {
            return;
        }

        foreach (var series in indicators.ClosedNow)
        {
            if (seriesBooks.TryGetValue(series, out var book))
            {
                book.AtClose.Collect(series.Closed, series.PreviousClosed, visits, stamp);
            }
        }
    }

    // An index is queried only when the move reaches its smallest threshold (below it the query finds nothing).
    private void CollectMoves(LevelIndex byAmount, decimal? amountFloor, LevelIndex byPercent, decimal? percentFloor, decimal move, decimal basis)
    {
        if (amountFloor is { } smallestAmount)
        {
            CollectMove(byAmount, smallestAmount, WatchBand.Widen(move, up: true));
        }

        if (basis > 0 && percentFloor is { } smallestPercent)
        {
            CollectMove(byPercent, smallestPercent, WatchBand.Widen(move * 100 / basis, up: true));
        }
    }

    private void CollectMove(LevelIndex index, decimal floor, decimal reached)
    {
        if (reached >= floor)
        {
            index.CollectAtOrBelow(reached, visits, stamp);
        }
        else if (CheckSkips)
        {
            var missed = new List<RuleSlot>();
            index.CollectAtOrBelow(reached, missed, Interlocked.Increment(ref stampSource));
            if (missed.Count > 0)
            {
                throw new InvalidOperationException($"The smallest move threshold {floor} of {symbol} kept {missed.Count} visits from a move of {reached}");
            }
        }
    }

    private void Visit(RuleSlot slot)
    {
        if (slot.VisitStamp != stamp)
        {
            slot.VisitStamp = stamp;
            visits.Add(slot);
        }
    }

    private void Refresh(RuleSlot slot)
    {
        if (slot.Placement != PlacementOf(slot))
        {
            Unplace(slot);
            Place(slot);
        }
        else
        {
            Schedule(slot);
        }
    }

    private void Place(RuleSlot slot)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        var placement = PlacementOf(slot);
        slot.Placement = placement;
        Schedule(slot);
        if (runtime.State is RuleState.Paused or RuleState.Expired)
        {
            return;
        }

        if (RuleEvaluator.IsLatched(slot))
        {
            var band = RearmBand.For(rule, runtime);
            Enter(rearmWhenPriceAtOrBelow, band.AtOrBelow, slot);
            Enter(rearmWhenPriceAtOrAbove, band.AtOrAbove, slot);
            return;
        }

        if (runtime.State == RuleState.Pending || runtime.CompoundDue)
        {
            // A compound is looked at on every price of any of its symbols while it confirms or is new.
            foreach (var book in BooksOf(slot))
            {
                book.pending.Add(slot);
            }

            return;
        }

        if (placement.ParkedUntil is not null)
        {
            return;
        }

        var condition = rule.Condition;
        if (runtime.Parts is { } parts)
        {
            PlaceCompound(slot, parts);
            return;
        }

        if (condition.Indicator is { } indicator && runtime.Series is { } series)
        {
            var book = SeriesBookOf(series);
            PlaceByLevel(condition, indicator.OnBarClose ? book.AtClose : book.Live, slot);
            return;
        }

        if (WatchBand.Applies(condition.Type))
        {
            if (runtime.State == RuleState.Active && ConditionTraits.IsTrailing(condition.Type)
                && (condition.Type == ConditionType.TrailingDrawdown ? drawdowns ??= new(drawdown: true) : rises ??= new(drawdown: false)).TryJoin(slot))
            {
                return;
            }

            if (placement.Band is { } band)
            {
                Enter(visitWhenPriceAtOrBelow, band.AtOrBelow, slot);
                Enter(visitWhenPriceAtOrAbove, band.AtOrAbove, slot);
            }
            else
            {
                scanned.Add(slot);
            }

            return;
        }

        switch (condition.Type)
        {
            case ConditionType.Above:
                Enter(visitWhenPriceAtOrAbove, condition.Level, slot);
                break;
            case ConditionType.Below:
                Enter(visitWhenPriceAtOrBelow, condition.Level, slot);
                break;
            case ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses:
                Enter(crossingLevels, condition.Level, slot);
                break;
            case ConditionType.EntersChannel or ConditionType.ExitsChannel:
                Enter(crossingLevels, condition.Lower, slot);
                Enter(crossingLevels, condition.Upper, slot);
                break;
            case ConditionType.InsideChannel:
                Enter(visitWhenPriceAtOrAbove, condition.Lower, slot);
                break;
            case ConditionType.OutsideChannel:
                Enter(visitWhenPriceAtOrBelow, condition.Lower, slot);
                Enter(visitWhenPriceAtOrAbove, condition.Upper, slot);
                break;
            case ConditionType.MovesUp when runtime.Armed && condition.WindowMinutes is not null:
                EnterByThreshold(condition, movesUpByAmount, movesUpByPercent, slot);
                break;
            case ConditionType.MovesDown when runtime.Armed && condition.WindowMinutes is not null:
                EnterByThreshold(condition, movesDownByAmount, movesDownByPercent, slot);
                break;
            default:
                scanned.Add(slot);
                break;
        }
    }

    // A part's truth changes only where its value passes a threshold: crossing indexes in the part's own book.
    private void PlaceCompound(RuleSlot slot, PartBinding[] parts)
    {
        foreach (var part in parts)
        {
            var book = bookOf(part.Rule.Symbol);
            var condition = part.Rule.Condition;
            var crossing = condition.Indicator is { } indicator && part.Runtime.Series is { } series
                ? (indicator.OnBarClose ? book.SeriesBookOf(series).AtClose : book.SeriesBookOf(series).Live).Crossing
                : book.crossingLevels;
            Enter(crossing, condition.Level, slot);
            Enter(crossing, condition.Lower, slot);
            Enter(crossing, condition.Upper, slot);
        }
    }

    // An array, not a sequence: looping over it allocates nothing (Unplace runs on every move of a rule).
    private SymbolRuleBook[] BooksOf(RuleSlot slot)
    {
        if (slot.Runtime.Parts is not { } parts)
        {
            return self ??= [this];
        }

        return slot.Books ??= parts.Select(part => bookOf(part.Rule.Symbol)).Distinct().ToArray();
    }

    private SymbolRuleBook[]? self;

    private static void PlaceByLevel(AlertCondition condition, LevelIndexes indexes, RuleSlot slot)
    {
        switch (condition.Type)
        {
            case ConditionType.Above:
                Enter(indexes.AtOrAbove, condition.Level, slot);
                break;
            case ConditionType.Below:
                Enter(indexes.AtOrBelow, condition.Level, slot);
                break;
            case ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses:
                Enter(indexes.Crossing, condition.Level, slot);
                break;
            case ConditionType.EntersChannel or ConditionType.ExitsChannel:
                Enter(indexes.Crossing, condition.Lower, slot);
                Enter(indexes.Crossing, condition.Upper, slot);
                break;
            case ConditionType.InsideChannel:
                Enter(indexes.AtOrAbove, condition.Lower, slot);
                break;
            case ConditionType.OutsideChannel:
                Enter(indexes.AtOrBelow, condition.Lower, slot);
                Enter(indexes.AtOrAbove, condition.Upper, slot);
                break;
        }
    }

    private SeriesBook SeriesBookOf(IndicatorSeries series)
    {
        if (!seriesBooks.TryGetValue(series, out var book))
        {
            book = NewSeriesBook();
            seriesBooks.Add(series, book);
            if (!series.Key.AtClose)
            {
                liveSeries.Add((series, book));
                bandValid = false;
            }
        }

        return book;
    }

    // Its own method: the closure would otherwise be allocated on every lookup, not only on a miss.
    private SeriesBook NewSeriesBook()
    {
        SeriesBook created = null!;
        created = new SeriesBook(() =>
        {
            created.Banded = false;
            bandValid = false;
        });
        return created;
    }

    // A window move holds only once the move reaches its threshold (amount wins over percent, as in the observer).
    private void EnterByThreshold(AlertCondition condition, LevelIndex byAmount, LevelIndex byPercent, RuleSlot slot)
    {
        if (condition.Amount is { } amount)
        {
            Enter(byAmount, amount, slot);
        }
        else if (condition.Percent is { } percent)
        {
            Enter(byPercent, percent, slot);
        }
        else
        {
            scanned.Add(slot);
        }
    }

    private RulePlacement PlacementOf(RuleSlot slot)
    {
        var rule = slot.Rule;
        var runtime = slot.Runtime;
        var band = WatchBand.Applies(rule.Condition.Type) ? WatchBand.For(rule, runtime, Market) : null;
        return new RulePlacement(runtime.State, runtime.Armed, runtime.LastFiredAt, band, ParkedUntil(slot), runtime.CompoundDue);
    }

    // While its frequency cannot let it fire, a rule whose visits could do nothing but fire (a level or channel
    // condition) need not be visited at all; it comes back when the gate opens.
    private DateTime? ParkedUntil(RuleSlot slot)
    {
        var rule = slot.Rule;
        if (slot.Runtime.State != RuleState.Active || !ConditionTraits.OnlyFiresWhenVisited(rule.Condition.Type)
            || RuleEvaluator.IsLatched(slot) || now is not { } time)
        {
            return null;
        }

        return FrequencyGate.ClosedUntil(rule, slot.Runtime) is { } opens && opens > time ? opens : null;
    }

    private static bool IsMarketReferenced(AlertCondition condition) =>
        condition is { Type: ConditionType.PercentChange, Reference: ReferenceKind.PreviousClose or ReferenceKind.DayOpen };

    private static void Enter(LevelIndex index, decimal? key, RuleSlot slot)
    {
        if (key is { } value)
        {
            slot.Enter(index, value);
        }
    }

    private void Unplace(RuleSlot slot)
    {
        slot.Trail?.Leave(slot);
        slot.LeaveIndexes();
        foreach (var book in BooksOf(slot))
        {
            book.scanned.Remove(slot);
            book.pending.Remove(slot);
        }
    }

    private void Schedule(RuleSlot slot)
    {
        var deadline = RuleEvaluator.NextDeadline(slot);
        if (slot.Placement?.ParkedUntil is { } parkedUntil && !(deadline <= parkedUntil))
        {
            deadline = parkedUntil;
        }

        if (deadline == slot.QueuedDeadline)
        {
            return;
        }

        slot.QueuedDeadline = deadline;
        if (deadline is { } at)
        {
            // A compound's deadline is due in each of its books: whichever sees the time first applies it.
            foreach (var book in BooksOf(slot))
            {
                book.deadlines.Enqueue(slot, at);
                book.CompactDeadlines();
            }
        }
    }

    // A moved or removed rule leaves its old entry in the queue (it is skipped when due); a rule reloaded on every
    // announcement with an expiry months away would pile them up. Each live rule has one entry at most, so a queue
    // twice the size of the book is at least half dead: rebuild it.
    private void CompactDeadlines()
    {
        if (deadlines.Count <= 64 || deadlines.Count <= 2 * Rules.Count)
        {
            return;
        }

        deadlines.Clear();
        foreach (var slot in Rules)
        {
            if (slot.QueuedDeadline is { } at)
            {
                deadlines.Enqueue(slot, at);
            }
        }
    }

    // The rules on one series: thresholds on its live value and on its value at bar close. While Banded, the live
    // value stays between its nearest thresholds for any price strictly between BandLow and BandHigh, as long as the
    // indicators are at BandVersion; any change to the live thresholds (thresholdsChanged) ends the band.
    private sealed class SeriesBook(Action thresholdsChanged)
    {
        public HashSet<RuleSlot> Rules { get; } = [];
        public LevelIndexes Live { get; } = new(thresholdsChanged);
        public LevelIndexes AtClose { get; } = new(null);
        public bool Banded { get; set; }
        public long BandVersion { get; set; }
        public double BandLow { get; set; }
        public double BandHigh { get; set; }
    }
}

/// <summary>Thresholds on one moving value: crossings between two readings, and levels the current reading is past.</summary>
internal sealed class LevelIndexes(Action? changed)
{
    public LevelIndex Crossing { get; } = new() { Changed = changed };
    public LevelIndex AtOrAbove { get; } = new() { Changed = changed };
    public LevelIndex AtOrBelow { get; } = new() { Changed = changed };

    /// <summary>
    /// The thresholds nearest to the series' live value on either side (null: none that side), between which a move of
    /// the value visits nothing; null when a move from where it is would visit (it sits on a crossing threshold, or
    /// past a level, so it is looked at on every price).
    /// </summary>
    public (decimal? Below, decimal? Above)? Gap(Indicators.IndicatorSeries series)
    {
        if (series.Live is not { Value: var value })
        {
            return series.Ready ? null : (null, null);
        }

        var above = AtOrAbove.FirstAtOrAbove(decimal.MinValue);
        var below = AtOrBelow.LastAtOrBelow(decimal.MaxValue);
        if (above <= value || below >= value)
        {
            return null;
        }

        var nextUp = Crossing.FirstAtOrAbove(value);
        var nextDown = Crossing.LastAtOrBelow(value);
        if (nextUp == value)
        {
            return null;
        }

        return (Max(below, nextDown), Min(above, nextUp));
    }

    private static decimal? Max(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static decimal? Min(decimal? a, decimal? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    public void Collect(Indicators.SeriesReading? current, Indicators.SeriesReading? previous, List<RuleSlot> visits, long stamp)
    {
        if (current is not { Value: var value })
        {
            return;
        }

        if (Crossing.Count > 0)
        {
            if (previous is { Value: var start })
            {
                Crossing.CollectBetween(Math.Min(start, value), Math.Max(start, value), visits, stamp);
            }
            else
            {
                // A first reading (the series just got values): any threshold may now lie on either side of it.
                Crossing.CollectAtOrAbove(decimal.MinValue, visits, stamp);
            }
        }

        AtOrAbove.CollectAtOrBelow(value, visits, stamp);
        AtOrBelow.CollectAtOrAbove(value, visits, stamp);
    }
}
