using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// fixer.io /latest, on the classic host (key in the access_key query parameter) or the apilayer host (key in an
/// "apikey" header). The free plan only serves EUR-based rates, so every pair is a cross rate through EUR.
/// </summary>
internal sealed partial class FixerProvider(
    HttpClient httpClient,
    IOptionsMonitor<ProviderSettings> settingsMonitor,
    ILogger<FixerProvider> logger,
    TimeProvider timeProvider) : IPriceProvider
{
    public const string ProviderName = "fixer";
    public const string DefaultBaseUrl = "http://data.fixer.io/api";
    private const string FreePlanBase = "EUR";

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
        // No base parameter: EUR is the default, and naming any base is refused (105) on the free plan.
        var symbolsQuery = $"symbols={string.Join(',', CurrencyPair.CurrenciesOtherThan(pairs, FreePlanBase))}";
        var query = settings.KeyInHeader ? $"latest?{symbolsQuery}" : $"latest?access_key={Uri.EscapeDataString(settings.ApiKey)}&{symbolsQuery}";
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

            var latest = JsonSerializer.Deserialize<LatestResponse>(body, JsonSerializerOptions.Web);
            if (latest is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed("the body is empty"));
            }
            if (latest.Success == false || latest.Error is not null)
            {
                var apiError = latest.Error ?? new ApilayerError(null, null, null);
                if (apiError.IsNoResults())
                {
                    LogNoResults(logger, ProviderName, pairs.Count);
                    return CurrencyPair.NoDataFor(pairs, invalid);
                }
                return new ProviderResult([], invalid, apiError.ToProviderError());
            }
            if (latest.Rates is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed("the body has no rates"));
            }

            var rates = CurrencyPair.RatesAgainst(latest.Base ?? FreePlanBase, latest.Rates);
            var time = ProviderFailures.FromUnixSeconds(latest.Timestamp) ?? timeProvider.GetUtcNow().UtcDateTime;
            return CurrencyPair.ToResult(pairs, rates, time, invalid);
        }
        catch (Exception exception) when (ProviderFailures.IsExpected(exception, cancellationToken))
        {
            return new ProviderResult([], invalid, ProviderFailures.FromException(exception));
        }
    }

    [LoggerMessage(Message = "Price provider {Provider} failed with {Code}: {Cause}")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string provider, string code, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Price provider {Provider} has no rates for the {Count} requested pair(s) (106)")]
    private static partial void LogNoResults(ILogger logger, string provider, int count);

    private sealed record LatestResponse(bool? Success, long? Timestamp, string? Base, Dictionary<string, decimal?>? Rates, ApilayerError? Error);
}
