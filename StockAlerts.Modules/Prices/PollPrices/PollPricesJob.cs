using System.Globalization;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.PollPrices;

/// <summary>
/// One poll of one provider: symbols in use first (active rules, live subscriptions; not those the provider's stream
/// follows), then the rest in turn as the provider's per-run capacity allows; honours the provider's pause (rate
/// limit, exhausted quota) and monthly quota.
/// </summary>
internal sealed partial class PollPricesJob(
    IEnumerable<IPriceProvider> providers,
    IOptionsMonitor<ProviderSettings> settings,
    InstrumentCatalog catalog,
    IQuoteStore store,
    QuoteIngestor ingestor,
    IMediator mediator,
    PricesMetrics metrics,
    TimeProvider time,
    ILogger<PollPricesJob> logger)
{
    private static readonly Dictionary<string, int> Rotation = [];

    public static string JobId(string provider) => $"prices:poll:{provider}";

    public async Task RunAsync(string providerName, CancellationToken cancellationToken)
    {
        var provider = providers.Single(candidate => candidate.Name == providerName);
        var now = time.GetUtcNow().UtcDateTime;
        var status = (await store.GetProviderStatusesAsync(cancellationToken)).FirstOrDefault(candidate => candidate.Provider == providerName)
            ?? new ProviderStatus(providerName, null, null, null, null, null, null);
        if (status.PausedUntil > now)
        {
            return;
        }

        var options = settings.Get(providerName);
        if (options.MonthlyQuota is { } quota)
        {
            var period = now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var used = await store.CountRequestAsync(providerName, period, cancellationToken);
            if (used > quota)
            {
                var nextMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                LogThrottled(providerName, quota, nextMonth);
                await store.SaveProviderStatusAsync(status with { PausedUntil = nextMonth, ErrorKind = "Throttled", LastErrorMessage = $"monthly quota of {quota} requests used" }, cancellationToken);
                return;
            }
        }

        var symbols = await ChooseSymbolsAsync(providerName, options.MaxSymbolsPerRun, now, cancellationToken);
        if (symbols.Count == 0)
        {
            return;
        }

        var result = await provider.FetchAsync(symbols, cancellationToken);
        var changes = await ingestor.IngestAsync(providerName, result.Quotes, cancellationToken);
        LogPolled(providerName, symbols.Count, result.Quotes.Count, changes.Count);
        await RecordOutcomeAsync(status, result, now, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> ChooseSymbolsAsync(string providerName, int maxPerRun, DateTime now, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var all = snapshot.ForProvider(providerName).Select(instrument => instrument.Symbol).ToList();
        if (maxPerRun <= 0 || all.Count <= maxPerRun)
        {
            return all;
        }

        var wanted = (await SymbolsInUse.ListAsync(mediator, store, now, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        // A symbol the provider's stream follows gets its prices from there: it waits its turn with the rest.
        var streamed = (await store.GetStreamedSymbolsAsync(providerName, now, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var inUse = all.Where(symbol => wanted.Contains(symbol) && !streamed.Contains(symbol)).ToList();
        var rest = all.Where(symbol => !wanted.Contains(symbol) || streamed.Contains(symbol)).ToList();
        int start;
        lock (Rotation)
        {
            start = Rotation.GetValueOrDefault(providerName);
            Rotation[providerName] = rest.Count == 0 ? 0 : (start + Math.Max(0, maxPerRun - inUse.Count)) % rest.Count;
        }
        var rotated = rest.Skip(start % Math.Max(1, rest.Count)).Concat(rest.Take(start % Math.Max(1, rest.Count)));
        return inUse.Concat(rotated).Take(maxPerRun).ToList();
    }

    private async Task RecordOutcomeAsync(ProviderStatus status, ProviderResult result, DateTime now, CancellationToken cancellationToken)
    {
        if (result.Error is not { } error)
        {
            if (status.LastErrorCode is not null)
            {
                LogRecovered(status.Provider, status.LastErrorCode);
            }
            await store.SaveProviderStatusAsync(new ProviderStatus(status.Provider, now, now, null, null, null, null), cancellationToken);
            return;
        }

        metrics.ProviderFailed(status.Provider, error);
        DateTime? pausedUntil = error.Kind switch
        {
            ProviderErrorKind.RateLimited => now + (error.RetryAfter ?? TimeSpan.FromMinutes(1)),
            ProviderErrorKind.QuotaExhausted => new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1),
            ProviderErrorKind.Configuration => now + TimeSpan.FromMinutes(5),
            _ => null,
        };
        if (error.Kind is ProviderErrorKind.RateLimited or ProviderErrorKind.QuotaExhausted)
        {
            // Every throttle pauses the provider, so this line comes at most once per pause.
            LogProviderThrottled(status.Provider, error.Kind, error.Code, pausedUntil!.Value);
        }
        else if (status.LastErrorCode != error.Code || status.ErrorKind != error.Kind.ToString())
        {
            // Once when a failure starts or changes; the providers' own line for each poll is Debug.
            if (pausedUntil is { } until)
            {
                LogProviderErrorPaused(status.Provider, error.Kind, error.Code, error.Message, until);
            }
            else
            {
                LogProviderError(status.Provider, error.Kind, error.Code, error.Message);
            }
        }
        var success = result.Quotes.Count > 0 ? now : status.LastSuccessAt;
        await store.SaveProviderStatusAsync(new ProviderStatus(status.Provider, success, now, error.Code, error.Message, error.Kind.ToString(), pausedUntil), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prices: {Provider} polled {Requested} symbol(s), {Received} quote(s), {Changed} changed")]
    private partial void LogPolled(string provider, int requested, int received, int changed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Provider} throttled: the monthly quota of {Quota} requests is used; polling resumes {Until:u}")]
    private partial void LogThrottled(string provider, int quota, DateTime until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Provider} throttled by the provider ({Kind}, {Code}); polling resumes {PausedUntil:u}")]
    private partial void LogProviderThrottled(string provider, ProviderErrorKind kind, string code, DateTime pausedUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Provider} failed ({Kind}, {Code}): {Message}; paused until {PausedUntil:u}")]
    private partial void LogProviderErrorPaused(string provider, ProviderErrorKind kind, string code, string message, DateTime pausedUntil);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Provider} failed ({Kind}, {Code}): {Message}; polling goes on, and the log says when this ends or changes")]
    private partial void LogProviderError(string provider, ProviderErrorKind kind, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: {Provider} recovered after {Code}")]
    private partial void LogRecovered(string provider, string code);
}
