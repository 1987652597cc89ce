using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// The process's rule index, behind one lock: the index itself is single-threaded and every price batch, edit and
/// reload goes through here. Ready only once it has been built from the database. In a cluster it holds only the
/// rules of the shards this instance owns (<see cref="Owned"/>); rules of other shards are not taken in, and their
/// symbols' prices are only noted (<see cref="passed"/>), so each instance's work per price divides with the members.
/// </summary>
internal sealed class AlertEngine
{
    private readonly RuleIndex index = new();
    private readonly Dictionary<string, int> rulesPerSymbol = new(StringComparer.Ordinal);
    // The latest price of each symbol this instance follows no rule of (another instance's shard), noted instead of
    // evaluated: a price there changes nothing here, yet costs a visit to the symbol's book (measured at 3M rules over
    // three instances: most of what an instance spent was on the other instances' symbols). When the symbol comes to
    // be followed (a shard taken over, a compound rule naming it), its book starts from this price, as if it had
    // followed every price: a hand-over judges the next move from the last price received, not from an older one.
    private readonly Dictionary<string, PassedPrice> passed = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong owned = Shards.All;
    private readonly TaskCompletionSource evaluated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => ready.Task;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return index.Count;
            }
        }
    }

    public void MarkReady() => ready.TrySetResult();

    /// <summary>Done when the first prices have been evaluated: a start is over then.</summary>
    public Task Evaluated => evaluated.Task;

    /// <summary>True the first time it is asked, once prices are being evaluated.</summary>
    public bool FirstEvaluation() => evaluated.TrySetResult();

    /// <summary>The shards whose rules this instance indexes (all of them alone).</summary>
    public ulong Owned
    {
        get
        {
            lock (gate)
            {
                return owned;
            }
        }
    }

    /// <summary>Owns these shards from now on: the rules of shards given up leave the index (how many is returned).</summary>
    public int Own(ulong shards)
    {
        lock (gate)
        {
            owned = shards;
            var leaving = index.Rules.Where(rule => !Shards.Contains(owned, Shards.Of(rule.Symbol))).Select(rule => rule.Id).ToList();
            foreach (var ruleId in leaving)
            {
                RemoveLocked(ruleId);
            }
            foreach (var symbol in passed.Keys.Where(Follows).ToList())
            {
                FollowLocked(symbol);
            }
            return leaving.Count;
        }
    }

    /// <summary>Puts the stored rule and its stored state into the index, replacing what was there.</summary>
    public void Upsert(AlertRuleRecord record, DateTime now) => Upsert([record], now);

    /// <summary>Many stored rules at once, under one lock.</summary>
    public void Upsert(IReadOnlyList<AlertRuleRecord> records, DateTime now) => Upsert(records.Select(record => Mapped(record, now)).ToList());

    /// <summary>A stored rule in the index's form: the index build maps on the reading thread, off the indexing one.</summary>
    public static (AlertRule Rule, RuleRuntime Runtime) Mapped(AlertRuleRecord record, DateTime now, SharedValues? shared = null) =>
        (RuleMapping.ToEngine(record, now, shared), RuleMapping.ToRuntime(record));

    /// <summary>Makes room for this many more rules before a large read, instead of growing step by step.</summary>
    public void Reserve(int rules)
    {
        lock (gate)
        {
            index.EnsureCapacity(index.Count + rules);
        }
    }

    /// <summary>Many rules at once (the index build), under one lock.</summary>
    public void Upsert(IReadOnlyList<(AlertRule Rule, RuleRuntime Runtime)> rules)
    {
        lock (gate)
        {
            foreach (var (rule, runtime) in rules)
            {
                RemoveLocked(rule.Id);
                if (!Shards.Contains(owned, Shards.Of(rule.Symbol)))
                {
                    continue;
                }
                if (rule.Condition.Compound is null)
                {
                    // Most rules: one symbol, and no array made for it.
                    Watch(rule.Symbol);
                }
                else
                {
                    foreach (var symbol in Watched(rule))
                    {
                        Watch(symbol);
                    }
                }
                index.Add(rule, runtime);
            }
        }
    }

    /// <summary>
    /// Puts these rules back as the database has them (one query per 1,000), and drops those it no longer has:
    /// after a refused firing, or when another instance says they changed. Answers the states the index sees that
    /// differ from the stored ones (a rule made on another instance of a cluster is judged first by its owner here).
    /// </summary>
    public async Task<List<RuleStateChange>> ReloadAsync(AlertsDbContext database, IReadOnlyCollection<Guid> ruleIds, DateTime now, CancellationToken cancellationToken)
    {
        var differences = new List<RuleStateChange>();
        foreach (var ids in ruleIds.Chunk(1000))
        {
            var stored = await database.Rules.AsNoTracking().Where(rule => ids.Contains(rule.Id)).ToListAsync(cancellationToken);
            Upsert(stored, now);
            foreach (var gone in ids.Except(stored.Select(rule => rule.Id)))
            {
                Remove(gone);
            }
            lock (gate)
            {
                foreach (var record in stored)
                {
                    if (index.FindRuntime(record.Id) is { } runtime && RuleMapping.StateName(runtime.State) != record.State)
                    {
                        differences.Add(new RuleStateChange(record.Id, runtime.State, runtime.Reason, record.Version, now) { StoredVersion = record.Version });
                    }
                }
            }
        }
        return differences;
    }

    private void Watch(string symbol)
    {
        FollowLocked(symbol);
        CollectionsMarshal.GetValueRefOrAddDefault(rulesPerSymbol, symbol, out _)++;
    }

    /// <summary>The symbols whose prices a rule needs: a compound's every symbol (its own first), or its one.</summary>
    private static IEnumerable<string> Watched(AlertRule rule) =>
        rule.Condition.Compound is { } compound ? compound.Symbols.Prepend(rule.Symbol).Distinct() : [rule.Symbol];

    public void Remove(Guid ruleId)
    {
        lock (gate)
        {
            RemoveLocked(ruleId);
        }
    }

    /// <summary>Starts a symbol from its last stored quote when this process has no price for it yet.</summary>
    public bool Prime(LatestPrice? quote, ICollection<RuleStateChange>? stateChanges = null)
    {
        if (quote is null || quote.Stale)
        {
            return false;
        }
        lock (gate)
        {
            return index.Prime(new PriceTick(quote.Symbol, quote.Price, null, quote.Time) { PreviousClose = quote.PreviousClose, DayOpen = quote.DayOpen }, stateChanges);
        }
    }

    /// <summary>How far back stored bars must reach to warm the symbol's indicators (null: none waits).</summary>
    public HistoryNeed? HistoryNeeded(string symbol)
    {
        lock (gate)
        {
            return index.HistoryNeeded(symbol);
        }
    }

    /// <summary>Stored bars for the symbol's indicators still warming up; rules whose indicators now have values turn active.</summary>
    public void Warm(string symbol, IReadOnlyList<HistoryBar> history, IReadOnlyList<HistoryBar>? days, DateTime now, List<RuleStateChange> stateChanges)
    {
        lock (gate)
        {
            index.Warm(symbol, history, now, stateChanges, days);
        }
    }

    public RuleRuntime? RuntimeOf(Guid ruleId)
    {
        lock (gate)
        {
            return index.FindRuntime(ruleId);
        }
    }

    public IReadOnlyList<Guid> RuleIds()
    {
        lock (gate)
        {
            return index.Rules.Select(rule => rule.Id).ToList();
        }
    }

    /// <summary>The symbols these rules watch, of those in the index.</summary>
    public IReadOnlyCollection<string> SymbolsOf(IEnumerable<Guid> ruleIds)
    {
        lock (gate)
        {
            return ruleIds.SelectMany(ruleId => index.Find(ruleId) is { } rule ? Watched(rule) : []).ToHashSet(StringComparer.Ordinal);
        }
    }

    public IReadOnlyCollection<string> SymbolsInUse()
    {
        lock (gate)
        {
            return rulesPerSymbol.Keys.ToList();
        }
    }

    public BatchEvaluation Evaluate(IReadOnlyList<PriceChange> changes, List<RuleStateChange> stateChanges)
    {
        var firings = new List<FiringCandidate>();
        lock (gate)
        {
            var visitedBefore = index.Visited;
            // Symbols without rules are followed too (a tick costs little there), so a rule added later, here or on
            // another instance, starts from the symbol's current price and not from one seen hours ago.
            var ticks = new List<PriceTick>(changes.Count);
            foreach (var change in changes)
            {
                if (!Follows(change.Symbol))
                {
                    var known = passed.TryGetValue(change.Symbol, out var before);
                    passed[change.Symbol] = new PassedPrice(change.Price, change.ReceivedAt, change.PreviousClose ?? (known ? before.PreviousClose : null),
                        change.DayOpen ?? (known ? before.DayOpen : null), Stale: false);
                    continue;
                }
                if (change.AfterGap)
                {
                    // The feed was stale before this price (an instance that missed the stale check learns it here):
                    // rules resume from noData, and the price is compared with the last fresh one before the gap.
                    ticks.Add(new PriceTick(change.Symbol, change.PreviousPrice ?? change.Price, null, change.ReceivedAt, IsStale: true));
                }
                ticks.Add(new PriceTick(change.Symbol, change.Price, change.PreviousPrice, change.ReceivedAt)
                {
                    PreviousClose = change.PreviousClose,
                    DayOpen = change.DayOpen,
                });
            }
            // One batch: a compound over several of these symbols is judged on all of their new prices together.
            firings.AddRange(index.EvaluateBatch(ticks, stateChanges));
            return new BatchEvaluation(firings, index.Visited - visitedBefore);
        }
    }

    /// <summary>
    /// Shards taken over from an instance that died: each symbol's move from the price that instance last judged (at
    /// its mark) to the latest one is judged now, as one price, so a level crossed while no one owned the shard still
    /// fires (as over a gap in the feed, a crossing and a crossing back in between are one move that ends where it began).
    /// </summary>
    public BatchEvaluation CatchUp(IReadOnlyDictionary<string, decimal> judgedUpTo, DateTime now, List<RuleStateChange> stateChanges)
    {
        lock (gate)
        {
            var ticks = new List<PriceTick>();
            foreach (var (symbol, then) in judgedUpTo)
            {
                if (index.Rewind(symbol, then) is { } latest && latest != then)
                {
                    ticks.Add(new PriceTick(symbol, latest, then, now));
                }
            }
            var visitedBefore = index.Visited;
            var firings = ticks.Count == 0 ? [] : index.EvaluateBatch(ticks, stateChanges).ToList();
            return new BatchEvaluation(firings, index.Visited - visitedBefore);
        }
    }

    /// <summary>Time passes without prices: expiry, re-arm by time and confirmations happen when due.</summary>
    public IReadOnlyList<FiringCandidate> AdvanceClock(DateTime now, List<RuleStateChange> stateChanges)
    {
        lock (gate)
        {
            return index.AdvanceClock(now, stateChanges);
        }
    }

    /// <summary>Symbols whose feed went stale: their rules show noData (and cannot fire) until a fresh price arrives.</summary>
    public void MarkStale(IEnumerable<SymbolStale> stale, List<RuleStateChange> stateChanges)
    {
        lock (gate)
        {
            foreach (var symbol in stale)
            {
                if (Follows(symbol.Symbol))
                {
                    MarkStaleLocked(symbol.Symbol, symbol.LastPrice, symbol.DetectedAt, stateChanges);
                }
                else if (passed.TryGetValue(symbol.Symbol, out var last))
                {
                    passed[symbol.Symbol] = last with { Stale = true, StaleAt = symbol.DetectedAt };
                }
            }
        }
    }

    private void MarkStaleLocked(string symbol, decimal lastPrice, DateTime time, ICollection<RuleStateChange>? stateChanges) =>
        index.Evaluate(new PriceTick(symbol, lastPrice, null, time, IsStale: true), stateChanges);

    /// <summary>Alone every symbol is followed; in a cluster those of owned shards and those an indexed rule names.</summary>
    private bool Follows(string symbol) => owned == Shards.All || Shards.Contains(owned, Shards.Of(symbol)) || rulesPerSymbol.ContainsKey(symbol);

    /// <summary>
    /// The symbol is followed from now on: its book starts from the last price noted while it was not (its book has no
    /// rules then: a symbol a rule names is followed). Nothing is evaluated: the instance that owned it judged that price.
    /// </summary>
    private void FollowLocked(string symbol)
    {
        if (!passed.Remove(symbol, out var last))
        {
            return;
        }
        index.Prime(new PriceTick(symbol, last.Price, null, last.Time) { PreviousClose = last.PreviousClose, DayOpen = last.DayOpen });
        if (last.Stale)
        {
            MarkStaleLocked(symbol, last.Price, last.StaleAt ?? last.Time, null);
        }
    }

    // A value, so noting a price allocates nothing.
    private readonly record struct PassedPrice(decimal Price, DateTime Time, decimal? PreviousClose, decimal? DayOpen, bool Stale, DateTime? StaleAt = null);

    private void RemoveLocked(Guid ruleId)
    {
        if (!index.Remove(ruleId, out var removed))
        {
            return;
        }
        foreach (var symbol in Watched(removed))
        {
            if (--rulesPerSymbol[symbol] == 0)
            {
                rulesPerSymbol.Remove(symbol);
            }
        }
    }
}
