using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// currencylayer.com /live. The free plan only serves USD-sourced quotes keyed "USDEUR", so every pair is a cross
/// rate through USD (EURUSD = 1 / USDEUR, EURGBP = USDGBP / USDEUR).
/// </summary>
internal sealed class CurrencyLayerProvider(
    HttpClient httpClient,
    IOptionsMonitor<ProviderSettings> settingsMonitor,
    ILogger<CurrencyLayerProvider> logger,
    TimeProvider timeProvider) : IPriceProvider
{
    public const string ProviderName = "currencylayer";
    public const string DefaultBaseUrl = "http://api.currencylayer.com";

    private static readonly ApilayerEndpoint Endpoint = new(ProviderName, "live", "currencies", "USD", "quotes", body =>
    {
        var source = body.Source ?? "USD";
        return (source, body.Quotes?
            .Where(quote => quote.Key.Length == source.Length + 3 && quote.Key.StartsWith(source, StringComparison.OrdinalIgnoreCase))
            .Select(quote => KeyValuePair.Create(quote.Key[source.Length..], quote.Value)));
    });

    public string Name => ProviderName;

    public Task<ProviderResult> FetchAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken) =>
        ApilayerRates.FetchAsync(httpClient, Endpoint, settingsMonitor.Get(ProviderName), symbols, logger, timeProvider, cancellationToken);
}
