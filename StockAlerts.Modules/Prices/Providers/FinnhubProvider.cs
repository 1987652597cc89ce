using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>Finnhub /quote, one request per symbol, the token in a header so it stays out of logged URLs.</summary>
internal sealed partial class FinnhubProvider(
    HttpClient httpClient,
    IOptionsMonitor<ProviderSettings> settingsMonitor,
    ILogger<FinnhubProvider> logger,
    TimeProvider timeProvider) : IPriceProvider
{
    public const string ProviderName = "finnhub";
    public const string DefaultBaseUrl = "https://finnhub.io/api/v1";
    private const int MaxConcurrentRequests = 4;

    public string Name => ProviderName;

    public async Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        var settings = settingsMonitor.Get(ProviderName);
        if (string.IsNullOrWhiteSpace(settings.ApiKey) || ProviderFailures.BuildUri(settings.BaseUrl, "quote") is null)
        {
            var error = string.IsNullOrWhiteSpace(settings.ApiKey) ? ProviderFailures.MissingKey(ProviderName) : ProviderFailures.BadBaseUrl(ProviderName);
            LogFailed(logger, ProviderName, error.Code, error.Message);
            return ProviderResult.Failed(error);
        }

        var distinct = symbols.Distinct(StringComparer.Ordinal).ToArray();
        var outcomes = new SymbolOutcome?[distinct.Length];
        var rateLimited = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, distinct.Length), parallel, async (index, token) =>
        {
            // After a 429 every further request would be refused as well, and still count against the limit.
            if (Volatile.Read(ref rateLimited) == 1)
            {
                return;
            }
            var outcome = await RequestAsync(distinct[index], settings, token);
            outcomes[index] = outcome;
            if (outcome.Error is { } error)
            {
                LogSymbolFailed(logger, ProviderFailures.LevelOf(error), ProviderName, outcome.Symbol, error.Code, error.Message);
                if (error.Kind == ProviderErrorKind.RateLimited)
                {
                    Volatile.Write(ref rateLimited, 1);
                }
            }
        });

        var quotes = new List<ProviderQuote>();
        var noData = new List<string>();
        ProviderError? firstError = null;
        ProviderError? rateLimit = null;
        foreach (var outcome in outcomes)
        {
            if (outcome?.Quote is { } quote)
            {
                quotes.Add(quote);
            }
            if (outcome is { NoData: true })
            {
                noData.Add(outcome.Symbol);
            }
            if (outcome?.Error is { } error)
            {
                firstError ??= error;
                if (error.Kind == ProviderErrorKind.RateLimited)
                {
                    rateLimit ??= error;
                }
            }
        }
        // The rate limit wins over an earlier error: it carries the back-off the poller must honour.
        return new ProviderResult(quotes, noData, rateLimit ?? firstError);
    }

    private async Task<SymbolOutcome> RequestAsync(string symbol, ProviderSettings settings, CancellationToken cancellationToken)
    {
        if (ProviderFailures.BuildUri(settings.BaseUrl, $"quote?symbol={Uri.EscapeDataString(symbol)}") is not { } uri)
        {
            return new SymbolOutcome(symbol, null, false, ProviderFailures.BadBaseUrl(ProviderName));
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("X-Finnhub-Token", settings.ApiKey);
        try
        {
            using var response = await httpClient.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode
                ? Read(symbol, body)
                : new SymbolOutcome(symbol, null, false, ProviderFailures.FromStatus(response, body, timeProvider.GetUtcNow(), settings.ApiKey));
        }
        catch (Exception exception) when (ProviderFailures.IsExpected(exception, cancellationToken))
        {
            return new SymbolOutcome(symbol, null, false, ProviderFailures.FromException(exception));
        }
    }

    private SymbolOutcome Read(string symbol, string body)
    {
        var quote = JsonSerializer.Deserialize<QuoteResponse>(body, JsonSerializerOptions.Web);
        if (quote is null)
        {
            return new SymbolOutcome(symbol, null, false, ProviderFailures.Malformed("the body is empty"));
        }
        if (quote.Error is { } message)
        {
            return new SymbolOutcome(symbol, null, false, new ProviderError(ProviderErrorKind.Transient, "error", message));
        }
        if (quote.C is not { } current)
        {
            return new SymbolOutcome(symbol, null, false, ProviderFailures.Malformed("the body has no current price (c)"));
        }
        // An unknown symbol comes back as 200 with c = 0 and t = 0: no data, never a price of 0.
        if (current <= 0)
        {
            return new SymbolOutcome(symbol, null, true, null);
        }
        var time = ProviderFailures.FromUnixSeconds(quote.T) ?? timeProvider.GetUtcNow().UtcDateTime;
        return new SymbolOutcome(symbol, new ProviderQuote(symbol, current, time, Positive(quote.Pc), Positive(quote.O)), false, null);
    }

    private static decimal? Positive(decimal? value) => value > 0 ? value : null;

    // Debug: the poll job says a failure once when it starts (or changes) and once when it ends, not at every poll.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Price provider {Provider} failed with {Code}: {Cause}")]
    private static partial void LogFailed(ILogger logger, string provider, string code, string cause);

    [LoggerMessage(Message = "Price provider {Provider} failed for {Symbol} with {Code}: {Cause}")]
    private static partial void LogSymbolFailed(ILogger logger, LogLevel level, string provider, string symbol, string code, string cause);

    private sealed record SymbolOutcome(string Symbol, ProviderQuote? Quote, bool NoData, ProviderError? Error);

    private sealed record QuoteResponse(decimal? C, decimal? D, decimal? Dp, decimal? H, decimal? L, decimal? O, decimal? Pc, long? T, string? Error);
}
