using System.Diagnostics.Metrics;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.StreamPrices;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices;

internal sealed class PricesMetrics(Telemetry telemetry)
{
    private readonly Counter<long> ticks = telemetry.Meter.CreateCounter<long>(
        "stockalerts.prices.ticks", "{tick}", "Quotes received from a provider and ingested (changed or not), per provider.");

    private readonly Counter<long> providerErrors = telemetry.Meter.CreateCounter<long>(
        "stockalerts.prices.provider.errors", "{error}", "Failed polls, per provider, the provider's error code and its kind.");

    private readonly Counter<long> streamMessages = telemetry.Meter.CreateCounter<long>(
        "stockalerts.prices.stream.messages", "{message}", "Messages received on a provider's stream (trades, pings, errors), per provider.");

    public void StreamMessage(string provider) => streamMessages.Add(1, new KeyValuePair<string, object?>("provider", provider));

    /// <summary>The stream's state as gauges: connected (0/1), symbols followed, seconds since the last message.</summary>
    public void ObserveStream(string provider, Func<StreamStatus> status, TimeProvider time)
    {
        var tag = new KeyValuePair<string, object?>("provider", provider);
        telemetry.Meter.CreateObservableGauge("stockalerts.prices.stream.connected", () => new Measurement<int>(status().Connected ? 1 : 0, tag),
            "{connection}", "1 while this instance's stream of the provider is connected.");
        telemetry.Meter.CreateObservableGauge("stockalerts.prices.stream.subscribed", () => new Measurement<int>(status().Subscribed, tag),
            "{symbol}", "Symbols this instance's stream follows.");
        telemetry.Meter.CreateObservableGauge("stockalerts.prices.stream.last_message_age",
            () => status().LastMessageAt is { } last ? [new Measurement<double>((time.GetUtcNow().UtcDateTime - last).TotalSeconds, tag)] : Array.Empty<Measurement<double>>(),
            "s", "Seconds since the stream's last message (a trade or a ping).");
    }

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
