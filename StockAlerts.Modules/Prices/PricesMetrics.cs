using System.Diagnostics.Metrics;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices;

internal sealed class PricesMetrics(Telemetry telemetry)
{
    private readonly Counter<long> ticks = telemetry.Meter.CreateCounter<long>(
        "stockalerts.prices.ticks", "{tick}", "Quotes received from a provider and ingested (changed or not), per provider.");

    private readonly Counter<long> providerErrors = telemetry.Meter.CreateCounter<long>(
        "stockalerts.prices.provider.errors", "{error}", "Failed polls, per provider, the provider's error code and its kind.");

    public void Ingested(string provider, int count)
    {
        if (count > 0)
        {
            ticks.Add(count, new KeyValuePair<string, object?>("provider", provider));
        }
    }

    public void ProviderFailed(string provider, ProviderError error) =>
        providerErrors.Add(1,
            new KeyValuePair<string, object?>("provider", provider),
            new KeyValuePair<string, object?>("code", error.Code),
            new KeyValuePair<string, object?>("kind", error.Kind.ToString()));
}
