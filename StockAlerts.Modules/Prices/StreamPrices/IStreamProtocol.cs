using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Modules.Prices.StreamPrices;

/// <summary>
/// A provider's push feed of trades, as far as it differs from another's: where to connect, how to subscribe, how to
/// read a message. Everything else (one holder in a cluster, reconnecting, following the wanted symbols, handing
/// trades to the ingest path) is PriceStream's, so a new streaming provider is one of these.
/// </summary>
internal interface IStreamProtocol
{
    /// <summary>The provider's name, as in Prices:Providers:{name}; its polling goes on beside the stream.</summary>
    string Provider { get; }

    /// <summary>Configured and wanted (a key, and not turned off).</summary>
    bool IsOn { get; }

    /// <summary>The socket's address, the key included.</summary>
    Uri Address { get; }

    /// <summary>Symbols one connection may follow (the plan's cap).</summary>
    int MaxSymbols { get; }

    /// <summary>A socket that brings nothing (not even a ping) for this long is taken for dead.</summary>
    TimeSpan Silence { get; }

    byte[] Subscribe(string symbol);

    byte[] Unsubscribe(string symbol);

    /// <summary>One message: its trades, the provider's error text, or neither (a ping); null when it is none of those.</summary>
    StreamMessage? Read(ReadOnlySpan<byte> message, DateTime receivedAt);
}

internal sealed record StreamMessage(IReadOnlyList<ProviderQuote> Trades, string? Error = null);
