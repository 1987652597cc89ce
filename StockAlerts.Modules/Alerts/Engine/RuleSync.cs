using System.Collections.Concurrent;
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
/// rules other instances announce, and reconciles every minute in case an announcement was missed.
/// </summary>
internal sealed partial class RuleSync(
    IServiceScopeFactory scopes,
    AlertEngine engine,
    IndicatorWarmer warmer,
    RuleChangeBus bus,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<RuleSync> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, byte> failedReloads = new();
    private DateTime lastReconciled = DateTime.MinValue;

    /// <summary>
    /// Reads every stored rule into the index. Reading (the database and EF's materializing) and indexing run side by
    /// side on two threads, handing over chunks of rules, so a cold start takes about the longer of the two, not both
    /// (1M rules on MariaDB: reading alone 3.3 s, indexing about 10 s).
    /// </summary>
    public async Task BuildIndexAsync(AlertsDbContext database, CancellationToken cancellationToken)
    {
        const int Chunk = 5000;
        var started = time.GetUtcNow();
        var total = await database.Rules.CountAsync(cancellationToken);
        LogBuilding(total);
        var now = time.GetUtcNow().UtcDateTime;
        var chunks = Channel.CreateBounded<List<AlertRuleRecord>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var indexing = Task.Run(async () =>
        {
            var loaded = 0;
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                engine.Upsert(chunk, now);
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
            var chunk = new List<AlertRuleRecord>(Chunk);
            await foreach (var rule in database.Rules.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                chunk.Add(rule);
                if (chunk.Count == Chunk)
                {
                    await chunks.Writer.WriteAsync(chunk, cancellationToken);
                    chunk = new List<AlertRuleRecord>(Chunk);
                }
            }
            await chunks.Writer.WriteAsync(chunk, cancellationToken);
        }
        finally
        {
            chunks.Writer.TryComplete();
        }
        var indexed = await indexing;
        lastReconciled = time.GetUtcNow().UtcDateTime;
        await PrimeSymbolsAsync(cancellationToken);
        engine.MarkReady();
        LogBuilt(indexed, (time.GetUtcNow() - started).TotalSeconds);
        // Indicators warm from stored history after the index serves: prices meanwhile are evaluated as usual, and a
        // rule waiting for its indicators shows noData (warmingUp) until then.
        _ = Task.Run(() => WarmIndicatorsAsync(cancellationToken), CancellationToken.None);
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
    private async Task PrimeSymbolsAsync(CancellationToken cancellationToken)
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
            foreach (var quote in await mediator.Send(new GetLatestPrices(engine.SymbolsInUse()), cancellationToken))
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
            await engine.ReloadAsync(scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), ruleIds, time.GetUtcNow().UtcDateTime, CancellationToken.None);
            await warmer.WarmAsync(engine.SymbolsInUse(), CancellationToken.None);
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
        var stored = (await database.Rules.Select(rule => rule.Id).ToListAsync(cancellationToken)).ToHashSet();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: building the rule index from {Total:N0} stored rule(s)...")]
    private partial void LogBuilding(int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: indexed {Loaded:N0} of {Total:N0} rules")]
    private partial void LogProgress(int loaded, int total);

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
