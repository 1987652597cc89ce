using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// currencylayer.com /live. The free plan only serves USD-sourced quotes keyed "USDEUR", so every pair is a cross
/// rate through USD (EURUSD = 1 / USDEUR, EURGBP = USDGBP / USDEUR).
/// </summary>
internal sealed partial class CurrencyLayerProvider(
    HttpClient httpClient,
    IOptionsMonitor<ProviderSettings> settingsMonitor,
    ILogger<CurrencyLayerProvider> logger,
    TimeProvider timeProvider) : IPriceProvider
{
    public const string ProviderName = "currencylayer";
    public const string DefaultBaseUrl = "http://api.currencylayer.com";
    private const string FreePlanSource = "USD";

    public string Name => ProviderName;

    public async Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken)
    {
        var (pairs, invalid) = CurrencyPair.ParseAll(symbols);
        if (pairs.Count == 0)
        {
            return new ProviderResult([], invalid, null);
        }
        var result = await RequestAsync(settingsMonitor.Get(ProviderName), pairs, invalid, cancellationToken);
        if (result.Error is { } error)
        {
            LogFailed(logger, ProviderFailures.LevelOf(error), ProviderName, error.Code, error.Message);
        }
        return result;
    }

    private async Task<ProviderResult> RequestAsync(ProviderSettings settings, List<CurrencyPair> pairs, List<string> invalid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            return new ProviderResult([], invalid, ProviderFailures.MissingKey(ProviderName));
        }
        // No source parameter: USD is the default, and any other source is refused (105) on the free plan.
        var currenciesQuery = $"currencies={string.Join(',', CurrencyPair.CurrenciesOtherThan(pairs, FreePlanSource))}";
        var query = settings.KeyInHeader ? $"live?{currenciesQuery}" : $"live?access_key={Uri.EscapeDataString(settings.ApiKey)}&{currenciesQuery}";
        if (ProviderFailures.BuildUri(settings.BaseUrl, query) is not { } uri)
        {
            return new ProviderResult([], invalid, ProviderFailures.BadBaseUrl(ProviderName));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (settings.KeyInHeader)
        {
            request.Headers.TryAddWithoutValidation("apikey", settings.ApiKey);
        }
        try
        {
            using var response = await httpClient.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var error = ApilayerError.TryRead(body)?.ToProviderError()
                    ?? ProviderFailures.FromStatus(response, body, timeProvider.GetUtcNow(), settings.ApiKey);
                return new ProviderResult([], invalid, error);
            }

            var live = JsonSerializer.Deserialize<LiveResponse>(body, JsonSerializerOptions.Web);
            if (live is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed("the body is empty"));
            }
            if (live.Success == false || live.Error is not null)
            {
                var apiError = live.Error ?? new ApilayerError(null, null, null);
                if (apiError.IsNoResults())
                {
                    LogNoResults(logger, ProviderName, pairs.Count);
                    return CurrencyPair.NoDataFor(pairs, invalid);
                }
                return new ProviderResult([], invalid, apiError.ToProviderError());
            }
            if (live.Quotes is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed("the body has no quotes"));
            }

            var source = live.Source ?? FreePlanSource;
            var rates = CurrencyPair.RatesAgainst(source, live.Quotes
                .Where(quote => quote.Key.Length == source.Length + 3 && quote.Key.StartsWith(source, StringComparison.OrdinalIgnoreCase))
                .Select(quote => KeyValuePair.Create(quote.Key[source.Length..], quote.Value)));
            var time = ProviderFailures.FromUnixSeconds(live.Timestamp) ?? timeProvider.GetUtcNow().UtcDateTime;
            return CurrencyPair.ToResult(pairs, rates, time, invalid);
        }
        catch (Exception exception) when (ProviderFailures.IsExpected(exception, cancellationToken))
        {
            return new ProviderResult([], invalid, ProviderFailures.FromException(exception));
        }
    }

    [LoggerMessage(Message = "Price provider {Provider} failed with {Code}: {Cause}")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string provider, string code, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Price provider {Provider} has no quotes for the {Count} requested pair(s) (106)")]
    private static partial void LogNoResults(ILogger logger, string provider, int count);

    private sealed record LiveResponse(bool? Success, long? Timestamp, string? Source, Dictionary<string, decimal?>? Quotes, ApilayerError? Error);
}
