using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>
/// What the prices hub sends to the app. Public on purpose: SignalR builds the typed proxy in another assembly and
/// fails at runtime for an internal interface.
/// </summary>
public interface IPricesClient
{
    Task PriceChanged(QuoteView quote);

    Task StaleChanged(StaleChange change);
}

public sealed record StaleChange(string Symbol, bool Stale, DateTime LastSeen);
