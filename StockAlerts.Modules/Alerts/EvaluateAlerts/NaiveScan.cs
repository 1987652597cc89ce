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
        RuleEvaluator.BindParts(slot, Market);
        RuleEvaluator.Admit(slot, Market(RuleIndex.HomeOf(rule)), runtime is not null);
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
        RuleEvaluator.BindParts(slot, Market);
        RuleEvaluator.Edit(slot, Market(RuleIndex.HomeOf(rule)));
        return true;
    }

    public bool Remove(Guid ruleId) => byId.Remove(ruleId, out var slot) && slots.Remove(slot);

    public bool Rearm(Guid ruleId)
    {
        if (FindSlot(ruleId) is not { } slot)
        {
            return false;
        }

        RuleEvaluator.Rearm(slot, Market(RuleIndex.HomeOf(slot.Rule)));
        return true;
    }

    public RuleRuntime? FindRuntime(Guid ruleId) => FindSlot(ruleId)?.Runtime;

    public IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null) => EvaluateBatch([tick], stateChanges);

    /// <summary>Each price in turn; then every compound on a symbol that had one, once, on the whole batch.</summary>
    public IReadOnlyList<FiringCandidate> EvaluateBatch(IReadOnlyList<PriceTick> ticks, ICollection<RuleStateChange>? stateChanges = null)
    {
        var firings = new List<FiringCandidate>();
        var deferred = new HashSet<RuleSlot>();
        foreach (var tick in ticks)
        {
            firings.AddRange(EvaluateOne(tick, deferred, stateChanges));
        }

        var time = ticks.Max(tick => tick.Time);
        foreach (var slot in slots.Where(deferred.Contains).ToList())
        {
            var home = Market(RuleIndex.HomeOf(slot.Rule));
            if (home.LastFreshPrice is { } price
                && RuleEvaluator.Evaluate(slot, price, time, price, home, stateChanges) is { } firing)
            {
                firings.Add(firing);
            }
        }

        foreach (var tick in ticks)
        {
            Market(tick.Symbol).EndStep();
        }

        return firings;
    }

    private List<FiringCandidate> EvaluateOne(PriceTick tick, HashSet<RuleSlot> deferred, ICollection<RuleStateChange>? stateChanges)
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
                RuleEvaluator.Resume(slot, previous ?? tick.Price, tick.Time, stateChanges, market);
            }

            RuleEvaluator.ApplyDeadlines(slot, tick.Time, previous ?? tick.Price, stateChanges);
            RuleEvaluator.ApplyPriceBand(slot, tick.Price, tick.Time, stateChanges);
            if (slot.Runtime.Parts is not null)
            {
                deferred.Add(slot);
            }
            else if (RuleEvaluator.Evaluate(slot, tick.Price, tick.Time, previous, market, stateChanges) is { } firing)
            {
                firings.Add(firing);
            }
        }

        market.Complete(tick);
        return firings;
    }

    // Market by market, as the index goes book by book: a compound is looked at in the pass of each of its symbols.
    public IReadOnlyList<FiringCandidate> AdvanceClock(DateTime time, ICollection<RuleStateChange>? stateChanges = null)
    {
        var firings = new List<FiringCandidate>();
        foreach (var (symbol, market) in markets)
        {
            var closed = market.Indicators?.CloseDue(time) == true;
            foreach (var slot in slots)
            {
                if (!IsFor(slot, symbol))
                {
                    continue;
                }

                if (closed && market.HasFreshPrice && BecameReady(slot, market))
                {
                    RuleEvaluator.Resume(slot, market.LastFreshPrice!.Value, time, stateChanges, market);
                }

                RuleEvaluator.ApplyDeadlines(slot, time, market.HasFreshPrice ? market.LastFreshPrice : null, stateChanges);
                // Rules judged at bar close see a bar the clock closed, on its last price.
                if (closed && market.LastFreshPrice is { } last && JudgedAtCloseOn(slot, market) && slot.Runtime is { State: RuleState.Active, CompoundDue: false }
                    && RuleEvaluator.Evaluate(slot, last, time, last, market, stateChanges) is { } atClose)
                {
                    firings.Add(atClose);
                }

                if (RuleEvaluator.ConfirmByTime(slot, time, market, stateChanges) is { } firing)
                {
                    firings.Add(firing);
                }
            }

            market.EndStep();
        }

        return firings;
    }

    private static bool JudgedAtCloseOn(RuleSlot slot, MarketState market)
    {
        if (slot.Rule.Condition.Indicator is { OnBarClose: true })
        {
            return market.Indicators!.ClosedNow.Contains(slot.Runtime.Series!);
        }

        return slot.Runtime.Parts?.Any(part => ReferenceEquals(part.Market, market) && part.Rule.Condition.Indicator is { OnBarClose: true }
            && market.Indicators!.ClosedNow.Contains(part.Runtime.Series!)) == true;
    }

    private static bool BecameReady(RuleSlot slot, MarketState market) =>
        market.Indicators?.ReadyNow is { Count: > 0 } ready
        && (slot.Runtime.Series is { } series && ready.Contains(series)
            || slot.Runtime.Parts?.Any(part => part.Runtime.Series is { } partSeries && ready.Contains(partSeries)) == true);

    private static bool IsFor(RuleSlot slot, PriceTick tick) => IsFor(slot, tick.Symbol);

    private static bool IsFor(RuleSlot slot, string symbol) =>
        slot.Rule.Condition.Compound is { } compound
            ? compound.Parts.Any(part => string.Equals(part.Symbol, symbol, StringComparison.Ordinal))
            : string.Equals(slot.Rule.Symbol, symbol, StringComparison.Ordinal);

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
