using System.Diagnostics.CodeAnalysis;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RuleIndex : IRuleEngine
{
    private readonly Dictionary<Guid, RuleSlot> slots = new();
    private readonly HashSet<RuleSlot> deferred = [];
    private readonly List<SymbolRuleBook> touched = [];
    private readonly List<RuleSlot> judged = [];
    private readonly Dictionary<string, SymbolRuleBook> books = new(StringComparer.Ordinal);
    private long sequence;

    public int Count => slots.Count;

    /// <summary>Rules the price queries handed to the evaluator so far, across every symbol.</summary>
    // A running total rather than a sum over the books: the engine reads it for every price batch.
    public long Visited { get; private set; }

    public bool Add(AlertRule rule, RuleRuntime? runtime = null)
    {
        if (slots.ContainsKey(rule.Id))
        {
            return false;
        }

        var slot = new RuleSlot(rule, runtime ?? new RuleRuntime(), ++sequence);
        RuleEvaluator.BindParts(slot, MarketOf);
        RuleEvaluator.Admit(slot, Book(HomeOf(rule)).Market, runtime is not null);
        slots.Add(rule.Id, slot);
        Attach(slot);
        return true;
    }

    public bool Update(AlertRule rule)
    {
        if (!slots.TryGetValue(rule.Id, out var slot))
        {
            return false;
        }

        Detach(slot);
        slot.Rule = rule;
        RuleEvaluator.BindParts(slot, MarketOf);
        RuleEvaluator.Edit(slot, Book(HomeOf(rule)).Market);
        Attach(slot);
        return true;
    }

    public bool Remove(Guid ruleId) => Remove(ruleId, out _);

    /// <summary>Takes the rule out, answering it as it was indexed.</summary>
    public bool Remove(Guid ruleId, [NotNullWhen(true)] out AlertRule? removed)
    {
        removed = null;
        if (!slots.Remove(ruleId, out var slot))
        {
            return false;
        }

        Detach(slot);
        removed = slot.Rule;
        return true;
    }

    /// <summary>The rule as indexed, if it is.</summary>
    public AlertRule? Find(Guid ruleId) => slots.TryGetValue(ruleId, out var slot) ? slot.Rule : null;

    /// <summary>Every indexed rule (for rare whole-index work).</summary>
    public IEnumerable<AlertRule> Rules => slots.Values.Select(slot => slot.Rule);

    /// <summary>Room for this many rules in all, made at once before a large build rather than grown step by step.</summary>
    public void EnsureCapacity(int rules) => slots.EnsureCapacity(rules);

    public bool Rearm(Guid ruleId)
    {
        if (!slots.TryGetValue(ruleId, out var slot))
        {
            return false;
        }

        Detach(slot);
        RuleEvaluator.Rearm(slot, Book(HomeOf(slot.Rule)).Market);
        Attach(slot);
        return true;
    }

    /// <summary>The book that places a rule: its symbol's, or for a compound its first part's (each part's book holds it too).</summary>
    internal static string HomeOf(AlertRule rule) => rule.Condition.Compound is { } compound ? compound.Parts[0].Symbol : rule.Symbol;

    private void Attach(RuleSlot slot)
    {
        if (slot.Rule.Condition.Compound is not { } compound)
        {
            Book(slot.Rule.Symbol).Attach(slot);
            return;
        }

        foreach (var symbol in compound.Symbols)
        {
            Book(symbol).AddMember(slot);
        }

        Book(HomeOf(slot.Rule)).PlaceMember(slot);
    }

    private void Detach(RuleSlot slot)
    {
        if (slot.Rule.Condition.Compound is not { } compound)
        {
            Book(slot.Rule.Symbol).Detach(slot);
            return;
        }

        Book(HomeOf(slot.Rule)).UnplaceMember(slot);
        foreach (var symbol in compound.Symbols)
        {
            Book(symbol).RemoveMember(slot);
        }

        // Out of its books: an edit may give it other parts, so its books are worked out again when it is placed.
        slot.Books = null;
    }

    private MarketState MarketOf(string symbol) => Book(symbol).Market;

    /// <summary>Stored bars (oldest first) for the symbol's indicators that are still warming up; day bars for the 1d timeframe.</summary>
    public void Warm(string symbol, IReadOnlyList<Indicators.HistoryBar> history, DateTime time, ICollection<RuleStateChange>? stateChanges = null,
        IReadOnlyList<Indicators.HistoryBar>? days = null) =>
        Book(symbol).Warm(history, days, time, stateChanges);

    /// <summary>How far back stored bars must reach to warm the symbol's indicators (null: nothing to warm).</summary>
    public Indicators.HistoryNeed? HistoryNeeded(string symbol) => books.TryGetValue(symbol, out var book) ? book.Market.Indicators?.HistoryNeeded() : null;

    public int QueuedDeadlines(string symbol) => books.TryGetValue(symbol, out var book) ? book.QueuedDeadlines : 0;

    public bool Prime(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null)
    {
        var book = Book(tick.Symbol);
        var primed = book.Prime(tick, stateChanges);
        // A start, not a move: nothing may count it as the batch's news.
        book.Market.EndStep();
        return primed;
    }

    /// <summary>The symbol's latest fresh price, and from now on the start of its next move (a hand-over).</summary>
    public decimal? Rewind(string symbol, decimal price)
    {
        if (!books.TryGetValue(symbol, out var book) || book.Market.LastFreshPrice is not { } latest || book.Market.IsStale)
        {
            return null;
        }
        book.Market.Rewind(price);
        return latest;
    }

    public RuleRuntime? FindRuntime(Guid ruleId)
    {
        if (!slots.TryGetValue(ruleId, out var slot))
        {
            return null;
        }

        // A trailing group's member carries its extreme only when read.
        slot.Trail?.Materialize(slot);
        return slot.Runtime;
    }

    /// <summary>
    /// When the clock alone could next change a rule (a confirmation coming due, a re-arm by time, expiry): a replay
    /// moves the clock only to such moments instead of every second.
    /// </summary>
    public DateTime? NextClockEvent(Guid ruleId)
    {
        if (!slots.TryGetValue(ruleId, out var slot))
        {
            return null;
        }

        var deadline = RuleEvaluator.NextDeadline(slot);
        if (slot.Runtime is { State: RuleState.Pending, PendingSince: { } since })
        {
            var confirmed = since.AddSeconds(slot.Rule.ConfirmationSeconds);
            return deadline is { } other && other < confirmed ? other : confirmed;
        }

        return deadline;
    }

    // State is committed here, before the caller saves the firing, and never rolled back: losing the race means
    // another evaluator saved this same firing (same rule and sequence), and a failed save is repaired by the
    // periodic reconcile, which reloads the rule with Remove and Add(rule, storedRuntime).
    public IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null)
    {
        // A batch of one, without the batch's bookkeeping: most prices come alone and change nothing.
        List<FiringCandidate>? firings = null;
        var book = Book(tick.Symbol);
        var before = book.Visited;
        book.Evaluate(tick, stateChanges, ref firings);
        Visited += book.Visited - before;
        JudgeDeferred(tick.Time, stateChanges, ref firings);
        book.Market.EndStep();
        return firings ?? (IReadOnlyList<FiringCandidate>)[];
    }

    /// <summary>
    /// Prices that arrived together (one poll), in order: each symbol's rules on its price, then each compound they
    /// touched once, on all of them.
    /// </summary>
    public IReadOnlyList<FiringCandidate> EvaluateBatch(IReadOnlyList<PriceTick> ticks, ICollection<RuleStateChange>? stateChanges = null)
    {
        List<FiringCandidate>? firings = null;
        var touched = this.touched;
        touched.Clear();
        DateTime? time = null;
        for (var i = 0; i < ticks.Count; i++)
        {
            var tick = ticks[i];
            var book = Book(tick.Symbol);
            var before = book.Visited;
            book.Evaluate(tick, stateChanges, ref firings);

            Visited += book.Visited - before;
            touched.Add(book);
            time = time is { } latest && latest > tick.Time ? latest : tick.Time;
        }

        if (time is { } newest)
        {
            JudgeDeferred(newest, stateChanges, ref firings);
        }

        foreach (var book in touched)
        {
            book.Market.EndStep();
        }

        return firings ?? (IReadOnlyList<FiringCandidate>)[];
    }

    // The compounds the prices touched, once each, in the order they were added.
    private void JudgeDeferred(DateTime time, ICollection<RuleStateChange>? stateChanges, ref List<FiringCandidate>? firings)
    {
        if (deferred.Count == 0)
        {
            return;
        }

        var judged = this.judged;
        judged.Clear();
        judged.AddRange(deferred);
        judged.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var slot in judged)
        {
            if (slots.ContainsKey(slot.Rule.Id) && Book(HomeOf(slot.Rule)).EvaluateDeferred(slot, time, stateChanges) is { } firing)
            {
                (firings ??= []).Add(firing);
            }
        }

        deferred.Clear();
    }

    public IReadOnlyList<FiringCandidate> AdvanceClock(DateTime time, ICollection<RuleStateChange>? stateChanges = null)
    {
        List<FiringCandidate>? firings = null;
        foreach (var book in books.Values)
        {
            if ((book.Rules.Count > 0 || book.Market.Indicators is not null) && book.AdvanceClock(time, stateChanges) is { Count: > 0 } due)
            {
                (firings ??= []).AddRange(due);
            }

            book.Market.EndStep();
        }

        return firings ?? (IReadOnlyList<FiringCandidate>)[];
    }

    private SymbolRuleBook Book(string symbol)
    {
        if (!books.TryGetValue(symbol, out var book))
        {
            book = new SymbolRuleBook(symbol, Book, deferred);
            books.Add(symbol, book);
        }

        return book;
    }
}
