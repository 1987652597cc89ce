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
    private readonly ConcurrentDictionary<string, (DateTime At, TimeSpan Span)> attempts = new(StringComparer.Ordinal);

    public async Task WarmAsync(IEnumerable<string> symbols, CancellationToken cancellationToken, bool report = false)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var waiting = symbols.Distinct(StringComparer.Ordinal)
            .Select(symbol => (Symbol: symbol, Span: engine.HistoryNeeded(symbol)))
            .Where(item => item.Span is { } span && !(attempts.TryGetValue(item.Symbol, out var last) && last.Span >= span && now - last.At < RetryAfter))
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
            var (symbol, span) = waiting[i];
            attempts[symbol] = (now, span!.Value);
            var history = await mediator.Send(new GetPriceHistory(symbol, now - span.Value, now), cancellationToken);
            engine.Warm(symbol, history.Select(bar => new HistoryBar(bar.Start, bar.High, bar.Low, bar.Close)).ToList(), time.GetUtcNow().UtcDateTime, stateChanges);
            bars += history.Count;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: warming indicators, {Done:N0} of {Total:N0} symbol(s)")]
    private partial void LogProgress(int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: indicators of {Symbols:N0} symbol(s) warmed from {Bars:N0} stored bar(s) in {Seconds:0.0} s")]
    private partial void LogWarmed(int symbols, int bars, double seconds);
}
