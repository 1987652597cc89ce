using System.ComponentModel;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>
/// What the prices hub sends to the app. Public on purpose: SignalR builds the typed proxy in another assembly and
/// fails at runtime for an internal interface.
/// </summary>
public interface IPricesClient
{
    [Description("A subscribed symbol has a new price (at most Prices:MaxUpdatesPerSecond per symbol; only the newest price of a burst is sent).")]
    Task PriceChanged(QuoteView quote);

    [Description("A subscribed symbol's feed went stale (no fresh price for a few poll intervals) or fresh again.")]
    Task StaleChanged(StaleChange change);
}

public sealed record StaleChange(string Symbol, bool Stale, DateTime LastSeen);
