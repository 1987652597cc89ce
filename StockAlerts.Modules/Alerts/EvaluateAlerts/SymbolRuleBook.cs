namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Every rule that could act on a tick is reachable from one of these structures; everything else is skipped.
// Level-based rules sit in sorted sets so a move p0 -> p1 is a range query, window-like rules are scanned,
// latched rules wait in the re-arm sets or the deadline queue.
internal sealed class SymbolRuleBook
{
    private readonly LevelIndex crossingLevels = new();
    private readonly LevelIndex holdWhenPriceAtOrAbove = new();
    private readonly LevelIndex holdWhenPriceAtOrBelow = new();
    private readonly LevelIndex rearmWhenPriceAtOrBelow = new();
    private readonly LevelIndex rearmWhenPriceAtOrAbove = new();
    private readonly HashSet<RuleSlot> scanned = [];
    private readonly HashSet<RuleSlot> pending = [];
    private readonly PriorityQueue<RuleSlot, DateTime> deadlines = new();
    private readonly List<RuleSlot> visits = [];
    private long stamp;

    public MarketState Market { get; } = new();

    public HashSet<RuleSlot> Rules { get; } = [];

    public void Attach(RuleSlot slot)
    {
        Rules.Add(slot);
        Place(slot);
    }

    public void Detach(RuleSlot slot)
    {
        Unplace(slot);
        Rules.Remove(slot);
        slot.Placement = null;
        slot.QueuedDeadline = null;
    }

    public IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? changes)
    {
        if (tick.IsStale)
        {
            if (Market.MarkStale())
            {
                foreach (var slot in Rules)
                {
                    RuleEvaluator.MarkNoData(slot, tick.Time, changes);
                    Refresh(slot);
                }
            }

            return [];
        }

        if (!Market.TryBegin(tick, out var previous, out var recovering))
        {
            return [];
        }

        var price = tick.Price;
        if (recovering)
        {
            foreach (var slot in Rules)
            {
                RuleEvaluator.Resume(slot, previous ?? price, tick.Time, changes);
                Refresh(slot);
            }
        }

        ApplyDeadlines(tick.Time, previous ?? price, changes);
        ApplyPriceBands(price, tick.Time, changes);
        var firings = new List<FiringCandidate>();
        foreach (var slot in CollectCandidates(price, previous))
        {
            if (RuleEvaluator.Evaluate(slot, tick, previous, Market, changes) is { } firing)
            {
                firings.Add(firing);
            }

            Refresh(slot);
        }

        Market.Complete(tick);
        return firings;
    }

    private void ApplyDeadlines(DateTime time, decimal price, ICollection<RuleStateChange>? changes)
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
            RuleEvaluator.ApplyDeadlines(slot, time, price, changes);
            Refresh(slot);
        }
    }

    private void ApplyPriceBands(decimal price, DateTime time, ICollection<RuleStateChange>? changes)
    {
        visits.Clear();
        stamp++;
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
        stamp++;
        foreach (var slot in pending)
        {
            Visit(slot);
        }

        foreach (var slot in scanned)
        {
            Visit(slot);
        }

        if (previous is { } start)
        {
            crossingLevels.CollectBetween(Math.Min(start, price), Math.Max(start, price), visits, stamp);
        }

        holdWhenPriceAtOrAbove.CollectAtOrBelow(price, visits, stamp);
        holdWhenPriceAtOrBelow.CollectAtOrAbove(price, visits, stamp);
        return visits;
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
        var runtime = slot.Runtime;
        if (slot.Placement != (runtime.State, runtime.Armed, runtime.LastFiredAt))
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
        slot.Placement = (runtime.State, runtime.Armed, runtime.LastFiredAt);
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

        if (runtime.State == RuleState.Pending)
        {
            pending.Add(slot);
            return;
        }

        var condition = rule.Condition;
        switch (condition.Type)
        {
            case ConditionType.Above:
                Enter(holdWhenPriceAtOrAbove, condition.Level, slot);
                break;
            case ConditionType.Below:
                Enter(holdWhenPriceAtOrBelow, condition.Level, slot);
                break;
            case ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses:
                Enter(crossingLevels, condition.Level, slot);
                break;
            case ConditionType.EntersChannel or ConditionType.ExitsChannel:
                Enter(crossingLevels, condition.Lower, slot);
                Enter(crossingLevels, condition.Upper, slot);
                break;
            case ConditionType.InsideChannel:
                Enter(holdWhenPriceAtOrAbove, condition.Lower, slot);
                break;
            case ConditionType.OutsideChannel:
                Enter(holdWhenPriceAtOrBelow, condition.Lower, slot);
                Enter(holdWhenPriceAtOrAbove, condition.Upper, slot);
                break;
            default:
                scanned.Add(slot);
                break;
        }
    }

    private static void Enter(LevelIndex index, decimal? key, RuleSlot slot)
    {
        if (key is { } value)
        {
            index.Add(value, slot);
            slot.Entries.Add((index, value));
        }
    }

    private void Unplace(RuleSlot slot)
    {
        foreach (var (index, key) in slot.Entries)
        {
            index.Remove(key, slot);
        }

        slot.Entries.Clear();
        scanned.Remove(slot);
        pending.Remove(slot);
    }

    private void Schedule(RuleSlot slot)
    {
        var deadline = RuleEvaluator.NextDeadline(slot);
        if (deadline == slot.QueuedDeadline)
        {
            return;
        }

        slot.QueuedDeadline = deadline;
        if (deadline is { } at)
        {
            deadlines.Enqueue(slot, at);
        }
    }
}
