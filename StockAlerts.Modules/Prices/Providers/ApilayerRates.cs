using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// fixer and currencylayer are both apilayer products: the same error envelope (inside HTTP 200), key handling and
/// cross-rate maths. They differ only in the endpoint, the query parameter, the free plan's common currency and how
/// the body keys its rates, which <see cref="ApilayerEndpoint"/> describes.
/// </summary>
internal static partial class ApilayerRates
{
    public static async Task<ProviderResult> FetchAsync(
        HttpClient httpClient, ApilayerEndpoint endpoint, ProviderSettings settings, IReadOnlyList<string> symbols,
        ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (pairs, invalid) = CurrencyPair.ParseAll(symbols);
        if (pairs.Count == 0)
        {
            return new ProviderResult([], invalid, null);
        }
        var result = await RequestAsync(httpClient, endpoint, settings, pairs, invalid, logger, timeProvider, cancellationToken);
        if (result.Error is { } error)
        {
            LogFailed(logger, endpoint.Provider, error.Code, error.Message);
        }
        return result;
    }

    private static async Task<ProviderResult> RequestAsync(
        HttpClient httpClient, ApilayerEndpoint endpoint, ProviderSettings settings, List<CurrencyPair> pairs, List<string> invalid,
        ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            return new ProviderResult([], invalid, ProviderFailures.MissingKey(endpoint.Provider));
        }
        // No base/source parameter: the free plan's currency is the default, and naming any other is refused (105).
        var currencies = $"{endpoint.CurrenciesParameter}={string.Join(',', CurrencyPair.CurrenciesOtherThan(pairs, endpoint.CommonCurrency))}";
        var query = settings.KeyInHeader ? $"{endpoint.Path}?{currencies}" : $"{endpoint.Path}?access_key={Uri.EscapeDataString(settings.ApiKey)}&{currencies}";
        if (ProviderFailures.BuildUri(settings.BaseUrl, query) is not { } uri)
        {
            return new ProviderResult([], invalid, ProviderFailures.BadBaseUrl(endpoint.Provider));
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

            var parsed = JsonSerializer.Deserialize<ApilayerRatesBody>(body, JsonSerializerOptions.Web);
            if (parsed is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed("the body is empty"));
            }
            if (parsed.Success == false || parsed.Error is not null)
            {
                var apiError = parsed.Error ?? new ApilayerError(null, null, null);
                if (apiError.IsNoResults())
                {
                    LogNoResults(logger, endpoint.Provider, pairs.Count);
                    return CurrencyPair.NoDataFor(pairs, invalid);
                }
                return new ProviderResult([], invalid, apiError.ToProviderError());
            }
            var (common, values) = endpoint.ReadRates(parsed);
            if (values is null)
            {
                return new ProviderResult([], invalid, ProviderFailures.Malformed($"the body has no {endpoint.RatesName}"));
            }

            var rates = CurrencyPair.RatesAgainst(common, values);
            var time = ProviderFailures.FromUnixSeconds(parsed.Timestamp) ?? timeProvider.GetUtcNow().UtcDateTime;
            return CurrencyPair.ToResult(pairs, rates, time, invalid);
        }
        catch (Exception exception) when (ProviderFailures.IsExpected(exception, cancellationToken))
        {
            return new ProviderResult([], invalid, ProviderFailures.FromException(exception));
        }
    }

    // Debug: the poll job says a failure once when it starts (or changes) and once when it ends, not at every poll.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Price provider {Provider} failed with {Code}: {Cause}")]
    private static partial void LogFailed(ILogger logger, string provider, string code, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Price provider {Provider} has no rates for the {Count} requested pair(s) (106)")]
    private static partial void LogNoResults(ILogger logger, string provider, int count);
}

/// <summary>The union of fixer's /latest and currencylayer's /live bodies; every field optional.</summary>
internal sealed record ApilayerRatesBody(
    bool? Success, long? Timestamp, string? Base, string? Source, Dictionary<string, decimal?>? Rates, Dictionary<string, decimal?>? Quotes, ApilayerError? Error);

/// <summary>ReadRates answers the common currency and each currency's rate against it (null when the body has none).</summary>
internal sealed record ApilayerEndpoint(
    string Provider,
    string Path,
    string CurrenciesParameter,
    string CommonCurrency,
    string RatesName,
    Func<ApilayerRatesBody, (string Common, IEnumerable<KeyValuePair<string, decimal?>>? Rates)> ReadRates);
