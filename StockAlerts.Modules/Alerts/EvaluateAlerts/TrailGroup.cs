namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Trailing rules of one symbol and direction whose extreme is the same: the symbol's highest (drawdown) or lowest
// (rise) price since they joined. Placed one by one, each new extreme moved every such rule in the indexes (at a
// million mixed rules, 3 of the 3.6 rules a tick visited were trailing rules doing just that); here a new extreme
// is one write, and a price visits only the members whose threshold it reaches, found by their distance (amount or
// percent), kept sorted. A member's runtime keeps the extreme it joined with until it leaves (the book takes it out
// before the evaluator sees it) or its runtime is handed out (Materialize).
internal sealed class TrailGroup(bool drawdown)
{
    private readonly LevelIndex byAmount = new();
    private readonly LevelIndex byPercent = new();
    // The price from which a member may act (null: to be worked out again), widened so rounding only adds visits.
    private decimal? trigger;

    public int Count => byAmount.Count + byPercent.Count;

    public decimal Extreme { get; private set; }

    /// <summary>Takes the rule in when its extreme is the group's (or the group is empty and starts from it).</summary>
    public bool TryJoin(RuleSlot slot)
    {
        // Equal and written alike (140.0 is not 140 to a message), as the evaluator would have kept it.
        if (slot.Runtime.TrailingExtreme is not { } extreme || (Count > 0 && (extreme != Extreme || extreme.Scale != Extreme.Scale)))
        {
            return false;
        }

        Extreme = extreme;
        var (index, distance) = PlaceOf(slot);
        index.Add(distance, slot);
        slot.Trail = this;
        trigger = null;
        return true;
    }

    public void Leave(RuleSlot slot)
    {
        Materialize(slot);
        var (index, distance) = PlaceOf(slot);
        index.Remove(distance, slot);
        slot.Trail = null;
        trigger = null;
    }

    // A rule's distance from the extreme is an amount or else a percent of it (amount wins, as in the evaluator).
    private (LevelIndex Index, decimal Distance) PlaceOf(RuleSlot slot) =>
        slot.Rule.Condition.Amount is { } amount ? (byAmount, amount) : (byPercent, slot.Rule.Condition.Percent ?? 0);

    public void Materialize(RuleSlot slot) => slot.Runtime.TrailingExtreme = Extreme;

    /// <summary>The members, copied (so that they can leave while the copy is walked).</summary>
    public List<RuleSlot> Members() => [.. byAmount.Slots(), .. byPercent.Slots()];

    /// <summary>A fresh price of the symbol: the extreme follows it, and members it may have brought to their threshold are visited.</summary>
    public void Move(decimal price, List<RuleSlot> visits, long stamp)
    {
        if (Count == 0)
        {
            return;
        }

        // As the evaluator's Math.Max / Math.Min would: a price equal to the peak keeps the peak as written, one equal
        // to the trough replaces it (140.0 for 140).
        if (drawdown ? price > Extreme : price <= Extreme)
        {
            Extreme = price;
            trigger = null;
        }

        trigger ??= Trigger();
        if (drawdown ? price > trigger : price < trigger)
        {
            return;
        }

        // Every member whose distance from the extreme is at most how far the price is from it (and a hair more).
        var reach = (drawdown ? Extreme - price : price - Extreme) + Margin;
        byAmount.CollectAtOrBelow(reach, visits, stamp);
        if (byPercent.Count > 0)
        {
            byPercent.CollectAtOrBelow(Extreme == 0 ? decimal.MaxValue : reach * 100 / Math.Abs(Extreme), visits, stamp);
        }
    }

    // The evaluator widens a trailing threshold by about 1e-12 of it (WatchBand.Widen); this margin is far wider, so
    // the members looked at are always a superset of those that may act: a rule visited early only finds it does not.
    private decimal Margin => Math.Abs(Extreme) / 1_000_000m + 0.000_001m;

    private decimal Trigger()
    {
        var nearest = byAmount.Lowest;
        if (byPercent.Lowest is { } percent && Math.Abs(Extreme) * percent / 100 is var distance && !(nearest <= distance))
        {
            nearest = distance;
        }

        return nearest is not { } reach ? (drawdown ? decimal.MinValue : decimal.MaxValue)
            : drawdown ? Extreme - reach + Margin
            : Extreme + reach - Margin;
    }
}
