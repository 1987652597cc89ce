using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime;
using System.Threading.Channels;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Keeps this instance's index in step with the database: builds it at startup (with progress in the log), reloads
/// rules other instances announce, reconciles every minute in case an announcement was missed, and reads the rules
/// of shards this instance comes to own in a cluster.
/// </summary>
internal sealed partial class RuleSync(
    IServiceScopeFactory scopes,
    AlertEngine engine,
    IndicatorWarmer warmer,
    RuleChangeBus bus,
    ClusterMembership membership,
    RecentPrices recent,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<RuleSync> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, byte> failedReloads = new();
    private ulong loading;
    private DateTime lastReconciled = DateTime.MinValue;

    /// <summary>Below this many rules read or given away, their memory is left to the collector's own pace.</summary>
    private const int ReturnMemoryFrom = 50_000;

    /// <summary>
    /// Hands the memory of an index build, or of rules given to other instances, back to the operating system. Reading
    /// the index leaves as much garbage as the index itself, and rules given away leave their part of it; a collection
    /// at the runtime's own pace keeps that as free heap, so an instance of three would hold the memory of the whole
    /// index it read before it saw the others join. One blocking, compacting collection at those moments only (rare:
    /// at start and when members change), logged with its pause.
    /// </summary>
    private void ReturnMemory()
    {
        var before = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogMemoryReturned(before / 1_048_576, Environment.WorkingSet / 1_048_576, GC.GetTotalMemory(false) / 1_048_576, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task ReturnMemoryOnceServingAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Without prices (no feed configured) it is not put off for long.
            await engine.Evaluated.WaitAsync(TimeSpan.FromSeconds(30), time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }
        ReturnMemory();
    }

    /// <summary>Reads the stored rules of the shards this instance owns (every rule when alone) into the index.</summary>
    public async Task BuildIndexAsync(AlertsDbContext database, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        await FillShardsAsync(database, cancellationToken);
        engine.Own(await JoinAsync(database, cancellationToken));
        var owned = Shards.In(engine.Owned).ToList();
        var rules = engine.Owned == Shards.All ? database.Rules : database.Rules.Where(rule => owned.Contains(rule.Shard));
        var total = await rules.CountAsync(cancellationToken);
        LogBuilding(total, owned.Count);
        // Nothing is served while the index is built (the host starts after it), so the collector need not run
        // beside the build to keep pauses short: blocking collections cost less in all (1M rules: about 1 s of CPU and
        // 0.5 s of the start).
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        int indexed;
        try
        {
            indexed = await ReadIntoIndexAsync(database, membership.Clustered ? StillMine(database, owned) : [rules], total, cancellationToken);
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
        if (membership.Clustered)
        {
            engine.Own(Prospective());
        }
        lastReconciled = time.GetUtcNow().UtcDateTime;
        await PrimeSymbolsAsync(engine.SymbolsInUse(), cancellationToken);
        var handBack = indexed >= ReturnMemoryFrom;
        if (handBack && membership.Clustered)
        {
            // Before this instance serves: the others evaluate its part until it is ready, so the pause costs no tick.
            ReturnMemory();
        }
        engine.MarkReady();
        LogBuilt(indexed, (time.GetUtcNow() - started).TotalSeconds);
        if (handBack && !membership.Clustered)
        {
            // Alone, once serving has started and the first prices are judged (the build runs before the host
            // starts, so doing it here made every start 1.2 s later at 1M rules); the prices after them wait once.
            _ = Task.Run(() => ReturnMemoryOnceServingAsync(cancellationToken), CancellationToken.None);
        }
        // Indicators warm from stored history after the index serves: prices meanwhile are evaluated as usual, and a
        // rule waiting for its indicators shows noData (warmingUp) until then.
        _ = Task.Run(() => WarmIndicatorsAsync(cancellationToken), CancellationToken.None);
    }

    /// <summary>
    /// In a cluster the shards are read one at a time, each only while it is still this instance's to own: instances
    /// started within seconds of each other see each other join and leave each other's part alone.
    /// </summary>
    private IEnumerable<IQueryable<AlertRuleRecord>> StillMine(AlertsDbContext database, IReadOnlyList<int> shards)
    {
        foreach (var shard in shards)
        {
            if (Shards.Contains(Prospective(), shard))
            {
                yield return database.Rules.Where(rule => rule.Shard == shard);
            }
        }
    }

    /// <summary>What this joining instance will own among the members its latest beat saw (those joining too).</summary>
    private ulong Prospective() => membership.Latest is { } latest ? Shards.OwnedBy(membership.Member, latest.All) & engine.Owned : engine.Owned;

    /// <summary>
    /// Joins the cluster as a member that is not ready yet and answers the shards it will own once it is (all of them
    /// without Redis, or when Redis cannot be reached: the beats then correct it). The ready members keep evaluating
    /// those shards until this one says it is ready, so a join leaves no gap.
    /// </summary>
    private async Task<ulong> JoinAsync(AlertsDbContext database, CancellationToken cancellationToken)
    {
        if (!membership.Clustered)
        {
            return Shards.All;
        }
        // The joiner picks a name that shares the stored rules evenly (one indexed count per shard).
        var rulesPerShard = new long[Shards.Count];
        foreach (var shard in await database.Rules.Where(rule => rule.Shard >= 0).GroupBy(rule => rule.Shard)
            .Select(group => new { Shard = group.Key, Count = group.LongCount() }).ToListAsync(cancellationToken))
        {
            rulesPerShard[shard.Shard] = shard.Count;
        }
        // Shared with every member, those still joining too, so instances started together each read their own part
        // rather than all of it (a ready instance takes over a joiner's part only if the joiner never gets ready).
        // The beats say which shards are read: a shard still being read is not claimed yet.
        if (await membership.JoinAsync(() => (engine.Ready.IsCompletedSuccessfully, engine.Owned & ~loading, engine.Count), rulesPerShard) is not { } joined)
        {
            LogJoinFailed();
            return Shards.All;
        }
        var (ready, all) = joined;
        var shards = Shards.OwnedBy(membership.Member, all);
        LogJoined(membership.Member, ready.Count, all.Count - 1 - ready.Count, Shards.CountOf(shards));
        return shards;
    }

    /// <summary>
    /// Rules stored before shards existed (or written by hand) carry -1: work their shard out, one update per symbol.
    /// Every instance may do it at once; the updates agree.
    /// </summary>
    private async Task FillShardsAsync(AlertsDbContext database, CancellationToken cancellationToken)
    {
        var symbols = await database.Rules.Where(rule => rule.Shard < 0).Select(rule => rule.Symbol).Distinct().ToListAsync(cancellationToken);
        if (symbols.Count == 0)
        {
            return;
        }
        LogFillingShards(symbols.Count);
        foreach (var symbol in symbols)
        {
            var shard = Shards.Of(symbol);
            await database.Rules.Where(rule => rule.Symbol == symbol && rule.Shard < 0).ExecuteUpdateAsync(rule => rule.SetProperty(column => column.Shard, shard), cancellationToken);
        }
    }

    /// <summary>
    /// Owns these shards from now on. Rules of shards given up leave the index at once; rules of shards gained are
    /// read from the database (their stored state: fire counts, armed, trailing peaks) and start from the symbol's
    /// latest price. If that read fails, the gained shards are given back to be tried again at the next beat (false).
    /// </summary>
    public async Task<bool> OwnAsync(ulong shards, int members, IReadOnlyDictionary<int, string> departedOwners, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var before = engine.Owned;
        var gained = shards & ~before;
        loading = gained;
        var dropped = engine.Own(shards);
        var loaded = 0;
        if (gained != 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
                var taken = Shards.In(gained).ToList();
                var rules = database.Rules.Where(rule => taken.Contains(rule.Shard));
                loaded = await ReadIntoIndexAsync(database, [rules], await rules.CountAsync(cancellationToken), cancellationToken);
                await PrimeSymbolsAsync(engine.SymbolsInUse(), cancellationToken);
                if (departedOwners.Count > 0)
                {
                    await CatchUpAsync(scope.ServiceProvider, departedOwners, cancellationToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                engine.Own(shards & before);
                LogTakeOverFailed(Shards.CountOf(gained), exception.GetType().Name);
                return false;
            }
            finally
            {
                loading = 0;
            }
        }
        if (dropped >= ReturnMemoryFrom)
        {
            ReturnMemory();
        }
        LogOwnership(members, Shards.CountOf(shards), Shards.CountOf(gained), Shards.CountOf(before & ~shards), loaded, dropped, engine.Count,
            (time.GetUtcNow() - started).TotalSeconds);
        if (gained != 0)
        {
            _ = Task.Run(() => WarmIndicatorsAsync(cancellationToken), CancellationToken.None);
        }
        return true;
    }

    /// <summary>
    /// Shards whose owner died were judged by no one since its mark (the prices it had judged and stored firings for):
    /// the move of each of their symbols since then is judged now. The mark is read after the rules, so a firing
    /// stored just before the owner died is in the rules read and its price is behind the mark.
    /// </summary>
    private async Task CatchUpAsync(IServiceProvider services, IReadOnlyDictionary<int, string> departedOwners, CancellationToken cancellationToken)
    {
        var marks = await membership.MarksAsync(departedOwners.Values.Distinct());
        var judgedUpTo = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var symbol in engine.SymbolsInUse())
        {
            if (departedOwners.TryGetValue(Shards.Of(symbol), out var owner) && marks.TryGetValue(owner, out var mark) && recent.At(symbol, mark) is { } price)
            {
                judgedUpTo[symbol] = price;
            }
        }
        var firings = 0;
        await await services.GetRequiredService<OutcomeWriter>().JudgeAsync(stateChanges =>
        {
            var evaluation = engine.CatchUp(judgedUpTo, time.GetUtcNow().UtcDateTime, stateChanges);
            firings = evaluation.Firings.Count;
            return new Judged(evaluation.Firings, null);
        }, cancellationToken);
        LogCaughtUp(judgedUpTo.Count, marks.Count, departedOwners.Values.Distinct().Count(), firings);
    }

    /// <summary>
    /// Reads the rules into the index. Reading (the database, copying each row into a reused record, mapping it into
    /// the index's form) and indexing run side by side on two threads, handing over chunks of rules, so it takes
    /// about the longer of the two, not both (1M rules: reading alone about 3 s, indexing about 6 s in memory; in the
    /// service both cores stay busy through the build, collecting and faulting in the heap as it grows).
    /// </summary>
    private async Task<int> ReadIntoIndexAsync(AlertsDbContext database, IEnumerable<IQueryable<AlertRuleRecord>> parts, int total, CancellationToken cancellationToken)
    {
        const int Chunk = 5000;
        var now = time.GetUtcNow().UtcDateTime;
        engine.Reserve(total);
        var chunks = Channel.CreateBounded<List<(AlertRule Rule, RuleRuntime Runtime)>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var indexing = Task.Run(async () =>
        {
            var loaded = 0;
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                engine.Upsert(chunk);
                var before = loaded;
                loaded += chunk.Count;
                if (loaded / 100_000 > before / 100_000)
                {
                    LogProgress(loaded, total);
                }
            }
            return loaded;
        }, cancellationToken);
        try
        {
            var chunk = new List<(AlertRule Rule, RuleRuntime Runtime)>(Chunk);
            var shared = new SharedValues();
            foreach (var rules in parts)
            {
                await foreach (var rule in StoredRuleRows.ReadAsync(database, rules, cancellationToken))
                {
                    chunk.Add(AlertEngine.Mapped(rule, now, shared));
                    if (chunk.Count == Chunk)
                    {
                        await chunks.Writer.WriteAsync(chunk, cancellationToken);
                        chunk = new List<(AlertRule Rule, RuleRuntime Runtime)>(Chunk);
                    }
                }
            }
            await chunks.Writer.WriteAsync(chunk, cancellationToken);
        }
        finally
        {
            chunks.Writer.TryComplete();
        }
        return await indexing;
    }

    private async Task WarmIndicatorsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await warmer.WarmAsync(engine.SymbolsInUse(), cancellationToken, report: true);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogWarmFailed(exception.GetType().Name);
        }
    }

    // Restored rules would sit in noData until their symbol's next poll; start each symbol from its stored quote.
    private async Task PrimeSymbolsAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IMediator>() is not { } mediator)
        {
            return;
        }
        var primed = 0;
        var stateChanges = new List<RuleStateChange>();
        try
        {
            foreach (var quote in await mediator.Send(new GetLatestPrices(symbols), cancellationToken))
            {
                primed += engine.Prime(quote, stateChanges) ? 1 : 0;
            }
            // Rules stored as noData (stale before the restart) are active again: say so where the API reads it.
            await StoredRuleStates.SaveAsync(scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), stateChanges, cancellationToken);
            LogPrimed(primed);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPrimeFailed(exception, primed);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReconcileSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogReconcileFailed(exception.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Redis may still be starting: keep trying rather than stop the host (the reconcile covers the gap).</summary>
    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await bus.SubscribeAsync(ReloadAsync);
                return;
            }
            catch (StackExchange.Redis.RedisException exception)
            {
                LogSubscribeFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public Task ReloadAsync(Guid ruleId) => ReloadAsync([ruleId]);

    public async Task ReloadAsync(IReadOnlyList<Guid> ruleIds)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            var differences = await engine.ReloadAsync(database, ruleIds, time.GetUtcNow().UtcDateTime, CancellationToken.None);
            await StoredRuleStates.SaveAsync(database, differences, CancellationToken.None);
            // Only the symbols of the reloaded rules this index holds: in a cluster most announcements are other
            // instances' firings, and asking every symbol in use, each under the index's lock, for each of them kept
            // the evaluating thread waiting on that lock (the reconcile still looks at every symbol).
            if (engine.SymbolsOf(ruleIds) is { Count: > 0 } symbols)
            {
                await warmer.WarmAsync(symbols, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The next reconcile reloads them: its memory of a rule may be ahead of what is stored.
            foreach (var ruleId in ruleIds)
            {
                failedReloads.TryAdd(ruleId, 0);
            }
            LogReloadFailed(exception.GetType().Name, ruleIds.Count);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        // The window moves on only once a reconcile succeeded, so a database outage does not leave changes unread.
        var since = lastReconciled - TimeSpan.FromSeconds(5);
        var startedAt = time.GetUtcNow().UtcDateTime;
        var failed = failedReloads.Keys.ToList();
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var changed = await database.Rules.AsNoTracking().Where(rule => rule.UpdatedAt >= since || failed.Contains(rule.Id)).ToListAsync(cancellationToken);
        foreach (var rule in changed)
        {
            engine.Upsert(rule, startedAt);
        }
        var owned = engine.Owned;
        var shards = Shards.In(owned).ToList();
        var ownedRules = owned == Shards.All ? database.Rules : database.Rules.Where(rule => shards.Contains(rule.Shard));
        var stored = (await ownedRules.Select(rule => rule.Id).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var gone in engine.RuleIds().Where(id => !stored.Contains(id)))
        {
            engine.Remove(gone);
        }
        foreach (var id in failed)
        {
            failedReloads.TryRemove(id, out _);
        }
        lastReconciled = startedAt;
        await warmer.WarmAsync(engine.SymbolsInUse(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: building the rule index from {Total:N0} stored rule(s) of {Shards} shard(s)...")]
    private partial void LogBuilding(int total, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: joining as {Member} beside {Ready} ready instance(s) and {Joining} joining; this one will own {Shards} of 64 shards")]
    private partial void LogJoined(string member, int ready, int joining, int shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: Redis cannot be reached at startup; indexing every shard until it can")]
    private partial void LogJoinFailed();

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: working out the shard of the rules of {Count:N0} symbol(s) stored without one...")]
    private partial void LogFillingShards(int count);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Cluster: {Members} ready instance(s); this one owns {Shards} of 64 shards (took {Gained}, gave up {Lost}): {Loaded:N0} rule(s) read, {Dropped:N0} dropped, {Count:N0} indexed, in {Seconds:0.00} s")]
    private partial void LogOwnership(int members, int shards, int gained, int lost, int loaded, int dropped, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: judged the moves of {Symbols} symbol(s) since the marks of {Marks} of {Owners} departed owner(s): {Firings} firing(s)")]
    private partial void LogCaughtUp(int symbols, int marks, int owners, int firings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: reading the rules of {Shards} shard(s) taken over failed ({Error}); trying again at the next beat")]
    private partial void LogTakeOverFailed(int shards, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: indexed {Loaded:N0} of {Total:N0} rules")]
    private partial void LogProgress(int loaded, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: memory handed back after the index changed: resident {Before:N0} MB -> {After:N0} MB ({Heap:N0} MB in use), {Milliseconds:0} ms pause")]
    private partial void LogMemoryReturned(long before, long after, long heap, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: rule index ready with {Count:N0} rule(s) in {Seconds:0.0} s")]
    private partial void LogBuilt(int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: {Count:N0} symbol(s) started from their last stored price")]
    private partial void LogPrimed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: reading stored prices failed after {Count:N0} symbol(s); the others wait for their next price")]
    private partial void LogPrimeFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: warming indicators from stored history failed ({Error}); they warm from live prices, and the next reconcile tries again")]
    private partial void LogWarmFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: reconciling the rule index failed ({Error}); trying again at the next interval")]
    private partial void LogReconcileFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: subscribing to rule changes failed; retrying in 5 s")]
    private partial void LogSubscribeFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: reloading {Count} rule(s) failed ({Error}); the next reconcile reloads them")]
    private partial void LogReloadFailed(string error, int count);
}
