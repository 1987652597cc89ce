using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.StreamPrices;

namespace StockAlerts.Modules.Prices;

/// <summary>
/// Each enabled provider's freshness in /health/ready. A provider outage degrades the report but does not make the
/// service unready: the API, rules and notifications still work on the last prices.
/// </summary>
internal sealed class PriceFeedsHealthCheck(EnabledProviders providers, InstrumentCatalog catalog, IQuoteStore store, Staleness staleness, IEnumerable<PriceStream> streams, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var snapshot = await catalog.GetAsync(cancellationToken);
        var statuses = (await store.GetProviderStatusesAsync(cancellationToken)).ToDictionary(status => status.Provider);
        var quotes = (await store.GetAllLatestAsync(cancellationToken)).ToDictionary(quote => quote.Symbol, StringComparer.Ordinal);
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        foreach (var (provider, interval) in providers.Intervals)
        {
            var symbols = snapshot.ForProvider(provider);
            var stale = symbols.Where(instrument => quotes.TryGetValue(instrument.Symbol, out var quote) && staleness.IsStale(quote, instrument.Kind, now))
                .Select(instrument => instrument.Symbol).ToList();
            var withoutPrice = symbols.Count(instrument => !quotes.ContainsKey(instrument.Symbol));
            statuses.TryGetValue(provider, out var status);
            data[provider] = new
            {
                intervalSeconds = interval.TotalSeconds,
                symbols = symbols.Count,
                staleSymbols = stale,
                symbolsWithoutPrice = withoutPrice,
                lastSuccessAt = status?.LastSuccessAt,
                lastError = status?.LastErrorCode is null ? null : $"{status.ErrorKind} {status.LastErrorCode}: {status.LastErrorMessage}",
                pausedUntil = status?.PausedUntil > now ? status.PausedUntil : null,
            };
            if (status?.ErrorKind is "Configuration" or "QuotaExhausted" or "Throttled")
            {
                problems.Add($"{provider}: {status.ErrorKind} {status.LastErrorCode}");
            }
            if (symbols.Count > 0 && status?.LastSuccessAt is null)
            {
                // Nothing stale yet only because nothing arrived at all: not fresh.
                problems.Add($"{provider}: no successful poll yet ({withoutPrice} symbol(s) without a price)");
            }
            if (stale.Count > 0)
            {
                problems.Add($"{provider}: {stale.Count} stale symbol(s)");
            }
        }
        foreach (var stream in streams)
        {
            if (stream.Status is not { On: true } streaming)
            {
                continue;
            }
            data[$"{stream.Provider}Stream"] = new
            {
                holdsStream = streaming.HoldsStream,
                connected = streaming.Connected,
                subscribedSymbols = streaming.Subscribed,
                messages = streaming.Messages,
                lastMessageAgeSeconds = streaming.LastMessageAt is { } last ? Math.Round((now - last).TotalSeconds, 1) : (double?)null,
            };
            if (streaming.HoldsStream && !streaming.Connected)
            {
                // Polling still brings prices, only later: degraded, not down.
                problems.Add($"{stream.Provider} stream: not connected (polling only)");
            }
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{providers.Intervals.Count} price feed(s) fresh", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data);
    }
}
