using System.Collections.Concurrent;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Feeds indicators that are warming up from the stored one-minute history (the Prices module's), so a rule on
/// RSI(14, 1h) has values at once instead of after fourteen hours: at startup for every symbol, and whenever a rule
/// brings an indicator the index has not computed yet. A symbol whose history is too short is asked again only
/// after a while (or when its needs grow): the bars it lacks come live meanwhile.
/// </summary>
internal sealed partial class IndicatorWarmer(IServiceScopeFactory scopes, AlertEngine engine, TimeProvider time, ILogger<IndicatorWarmer> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (DateTime At, HistoryNeed Need)> attempts = new(StringComparer.Ordinal);

    public async Task WarmAsync(IEnumerable<string> symbols, CancellationToken cancellationToken, bool report = false)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var waiting = symbols.Distinct(StringComparer.Ordinal)
            .Select(symbol => (Symbol: symbol, Need: engine.HistoryNeeded(symbol)))
            .Where(item => item.Need is { } need && !(attempts.TryGetValue(item.Symbol, out var last) && Covers(last.Need, need) && now - last.At < RetryAfter))
            .ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var stateChanges = new List<RuleStateChange>();
        var bars = 0;
        var started = time.GetUtcNow();
        for (var i = 0; i < waiting.Count; i++)
        {
            var (symbol, need) = waiting[i];
            attempts[symbol] = (now, need!.Value);
            var history = need.Value.Minutes is { } minutes
                ? (await mediator.Send(new GetPriceHistory(symbol, now - minutes, now), cancellationToken)).Select(bar => new HistoryBar(bar.Start, bar.High, bar.Low, bar.Close)).ToList()
                : [];
            // Day bars outlive the minutes' retention: a 1d indicator warms from them (the Prices module rolls them up).
            var days = need.Value.Days is { } span
                ? (await mediator.Send(new GetDailyHistory(symbol, now - span, now), cancellationToken)).Select(bar => new HistoryBar(bar.Day, bar.High, bar.Low, bar.Close)).ToList()
                : null;
            engine.Warm(symbol, history, days, time.GetUtcNow().UtcDateTime, stateChanges);
            bars += history.Count + (days?.Count ?? 0);
            if (report && (i + 1) % 50 == 0)
            {
                LogProgress(i + 1, waiting.Count);
            }
        }

        await StoredRuleStates.SaveAsync(scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), stateChanges, cancellationToken);
        if (report)
        {
            LogWarmed(waiting.Count, bars, (time.GetUtcNow() - started).TotalSeconds);
        }
    }

    private static bool Covers(HistoryNeed asked, HistoryNeed need) =>
        (asked.Minutes ?? TimeSpan.Zero) >= (need.Minutes ?? TimeSpan.Zero) && (asked.Days ?? TimeSpan.Zero) >= (need.Days ?? TimeSpan.Zero);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: warming indicators, {Done:N0} of {Total:N0} symbol(s)")]
    private partial void LogProgress(int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: indicators of {Symbols:N0} symbol(s) warmed from {Bars:N0} stored bar(s) in {Seconds:0.0} s")]
    private partial void LogWarmed(int symbols, int bars, double seconds);
}
