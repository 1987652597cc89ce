using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// fixer.io /latest, on the classic host (key in the access_key query parameter) or the apilayer host (key in an
/// "apikey" header). The free plan only serves EUR-based rates, so every pair is a cross rate through EUR.
/// </summary>
internal sealed class FixerProvider(
    HttpClient httpClient,
    IOptionsMonitor<ProviderSettings> settingsMonitor,
    ILogger<FixerProvider> logger,
    TimeProvider timeProvider) : IPriceProvider
{
    public const string ProviderName = "fixer";
    public const string DefaultBaseUrl = "http://data.fixer.io/api";

    private static readonly ApilayerEndpoint Endpoint = new(ProviderName, "latest", "symbols", "EUR", "rates",
        body => (body.Base ?? "EUR", body.Rates));

    public string Name => ProviderName;

    public Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken) =>
        ApilayerRates.FetchAsync(httpClient, Endpoint, settingsMonitor.Get(ProviderName), symbols, logger, timeProvider, cancellationToken);
}
