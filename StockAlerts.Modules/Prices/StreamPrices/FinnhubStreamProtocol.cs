using System.Text.Json;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Modules.Prices.StreamPrices;

/// <summary>
/// Finnhub's trades WebSocket: wss://ws.finnhub.io?token=KEY; {"type":"subscribe","symbol":"AAPL"} out;
/// {"type":"trade","data":[{"s","p","t" (Unix ms),"v","c"}]}, {"type":"ping"} and {"type":"error","msg"} in.
/// </summary>
internal sealed class FinnhubStreamProtocol(
    EnabledProviders enabled,
    IOptionsMonitor<ProviderSettings> providerSettings,
    IOptions<FinnhubStreamOptions> options) : IStreamProtocol
{
    public string Provider => EnabledProviders.Finnhub;

    public bool IsOn => enabled.IsEnabled(Provider) && options.Value.Enabled != false && !string.IsNullOrWhiteSpace(Key);

    public Uri Address => new UriBuilder(options.Value.Url) { Query = "token=" + Uri.EscapeDataString(Key!) }.Uri;

    public int MaxSymbols => options.Value.MaxSymbols;

    public TimeSpan Silence => TimeSpan.FromSeconds(options.Value.SilenceSeconds);

    private string? Key => providerSettings.Get(Provider).ApiKey;

    public byte[] Subscribe(string symbol) => JsonSerializer.SerializeToUtf8Bytes(new { type = "subscribe", symbol });

    public byte[] Unsubscribe(string symbol) => JsonSerializer.SerializeToUtf8Bytes(new { type = "unsubscribe", symbol });

    public StreamMessage? Read(ReadOnlySpan<byte> message, DateTime receivedAt)
    {
        try
        {
            var reader = new Utf8JsonReader(message);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return (root.TryGetProperty("type", out var type) ? type.GetString() : null) switch
            {
                "trade" when root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array =>
                    new StreamMessage(data.EnumerateArray().Select(trade => Trade(trade, receivedAt)).OfType<ProviderQuote>().ToList()),
                "ping" => new StreamMessage([]),
                "error" => new StreamMessage([], root.TryGetProperty("msg", out var error) ? error.GetString() ?? "" : ""),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A trade without a symbol or a positive price is skipped; one without a time counts as received now.
    private static ProviderQuote? Trade(JsonElement trade, DateTime receivedAt)
    {
        if (trade.ValueKind != JsonValueKind.Object
            || !trade.TryGetProperty("s", out var symbol) || symbol.ValueKind != JsonValueKind.String || symbol.GetString() is not { Length: > 0 } name
            || !trade.TryGetProperty("p", out var price) || price.ValueKind != JsonValueKind.Number || !price.TryGetDecimal(out var value) || value <= 0)
        {
            return null;
        }
        var at = trade.TryGetProperty("t", out var time) && time.ValueKind == JsonValueKind.Number && time.TryGetInt64(out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime
            : receivedAt;
        return new ProviderQuote(name.ToUpperInvariant(), value, at);
    }
}
