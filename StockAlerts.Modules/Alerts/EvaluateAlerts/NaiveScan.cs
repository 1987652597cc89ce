namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// The reference the index is checked against: every rule of every symbol, visited on every tick.
internal sealed class NaiveScan : IRuleEngine
{
    private readonly List<RuleSlot> slots = [];
    private readonly Dictionary<Guid, RuleSlot> byId = [];
    private readonly Dictionary<string, MarketState> markets = new(StringComparer.Ordinal);

    public int Count => slots.Count;

    public bool Add(AlertRule rule, RuleRuntime? runtime = null)
    {
        if (FindSlot(rule.Id) is not null)
        {
            return false;
        }

        var slot = new RuleSlot(rule, runtime ?? new RuleRuntime(), 0);
        RuleEvaluator.Admit(slot, Market(rule.Symbol), runtime is not null);
        slots.Add(slot);
        byId.Add(rule.Id, slot);
        return true;
    }

    public bool Update(AlertRule rule)
    {
        if (FindSlot(rule.Id) is not { } slot)
        {
            return false;
        }

        slot.Rule = rule;
        RuleEvaluator.Edit(slot, Market(rule.Symbol));
        return true;
    }

    public bool Remove(Guid ruleId) => byId.Remove(ruleId, out var slot) && slots.Remove(slot);

    public bool Rearm(Guid ruleId)
    {
        if (FindSlot(ruleId) is not { } slot)
        {
            return false;
        }

        RuleEvaluator.Rearm(slot, Market(slot.Rule.Symbol));
        return true;
    }

    public RuleRuntime? FindRuntime(Guid ruleId) => FindSlot(ruleId)?.Runtime;

    public IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null)
    {
        var market = Market(tick.Symbol);
        if (tick.IsStale)
        {
            if (market.MarkStale())
            {
                foreach (var slot in slots)
                {
                    if (IsFor(slot, tick))
                    {
                        RuleEvaluator.MarkNoData(slot, tick.Time, stateChanges);
                    }
                }
            }

            return [];
        }

        if (!market.TryBegin(tick, out var previous, out var recovering))
        {
            return [];
        }

        var firings = new List<FiringCandidate>();
        foreach (var slot in slots)
        {
            if (!IsFor(slot, tick))
            {
                continue;
            }

            if (recovering || BecameReady(slot, market))
            {
                RuleEvaluator.Resume(slot, previous ?? tick.Price, tick.Time, stateChanges);
            }

            RuleEvaluator.ApplyDeadlines(slot, tick.Time, previous ?? tick.Price, stateChanges);
            RuleEvaluator.ApplyPriceBand(slot, tick.Price, tick.Time, stateChanges);
            if (RuleEvaluator.Evaluate(slot, tick, previous, market, stateChanges) is { } firing)
            {
                firings.Add(firing);
            }
        }

        market.Complete(tick);
        return firings;
    }

    public IReadOnlyList<FiringCandidate> AdvanceClock(DateTime time, ICollection<RuleStateChange>? stateChanges = null)
    {
        var firings = new List<FiringCandidate>();
        var closing = new HashSet<MarketState>();
        foreach (var market in markets.Values)
        {
            if (market.Indicators?.CloseDue(time) == true)
            {
                closing.Add(market);
            }
        }

        foreach (var slot in slots)
        {
            var market = Market(slot.Rule.Symbol);
            if (closing.Contains(market) && market.HasFreshPrice && BecameReady(slot, market))
            {
                RuleEvaluator.Resume(slot, market.LastFreshPrice!.Value, time, stateChanges);
            }

            RuleEvaluator.ApplyDeadlines(slot, time, market.HasFreshPrice ? market.LastFreshPrice : null, stateChanges);
            // Rules judged at bar close see a bar the clock closed, on its last price.
            if (closing.Contains(market) && market.LastFreshPrice is { } last && slot.Rule.Condition.Indicator is { OnBarClose: true }
                && market.Indicators!.ClosedNow.Contains(slot.Runtime.Series!) && slot.Runtime.State == RuleState.Active
                && RuleEvaluator.Evaluate(slot, new PriceTick(slot.Rule.Symbol, last, last, time), last, market, stateChanges) is { } closed)
            {
                firings.Add(closed);
            }

            if (RuleEvaluator.ConfirmByTime(slot, time, market, stateChanges) is { } firing)
            {
                firings.Add(firing);
            }
        }

        return firings;
    }

    private static bool BecameReady(RuleSlot slot, MarketState market) =>
        slot.Runtime.Series is { } series && market.Indicators?.ReadyNow.Contains(series) == true;

    private static bool IsFor(RuleSlot slot, PriceTick tick) => string.Equals(slot.Rule.Symbol, tick.Symbol, StringComparison.Ordinal);

    private RuleSlot? FindSlot(Guid ruleId) => byId.GetValueOrDefault(ruleId);

    private MarketState Market(string symbol)
    {
        if (!markets.TryGetValue(symbol, out var market))
        {
            market = new MarketState();
            markets.Add(symbol, market);
        }

        return market;
    }
}
