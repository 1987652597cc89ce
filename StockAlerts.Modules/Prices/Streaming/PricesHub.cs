using System.ComponentModel;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>Live prices: a client subscribes to symbols and receives PriceChanged / StaleChanged for those only.</summary>
[Authorize]
internal sealed class PricesHub(
    InstrumentCatalog catalog,
    LiveSubscriptions live,
    LatestQuotes latest,
    IOptionsMonitor<PricesOptions> options,
    Telemetry telemetry) : Hub<IPricesClient>
{
    private const string HubName = "prices";

    public static string GroupFor(string symbol) => $"symbol:{symbol}";

    public override Task OnConnectedAsync()
    {
        telemetry.HubConnected(HubName);
        return base.OnConnectedAsync();
    }

    /// <summary>Subscribes and answers with the current quotes, so the app can draw at once.</summary>
    [Description("Follows these symbols (at most Prices:MaxSymbolsPerConnection per connection) and answers their current quotes. An unknown symbol fails the call and subscribes none.")]
    public async Task<IReadOnlyList<QuoteView>> Subscribe(string[] symbols)
    {
        var requested = Normalize(symbols);
        var snapshot = await catalog.GetAsync(Context.ConnectionAborted);
        var unknown = requested.Where(symbol => snapshot.FindEnabled(symbol) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new HubException($"Unknown symbol(s): {string.Join(", ", unknown)}.");
        }
        var added = requested.Where(symbol => !live.Contains(Context.ConnectionId, symbol)).ToList();
        var cap = options.CurrentValue.MaxSymbolsPerConnection;
        if (live.CountFor(Context.ConnectionId) + added.Count > cap)
        {
            throw new HubException($"At most {cap} symbols per connection; unsubscribe from some first.");
        }

        foreach (var symbol in added)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(symbol), Context.ConnectionAborted);
        }
        live.Add(Context.ConnectionId, added);

        return await latest.ViewsAsync(requested.Select(symbol => snapshot.Find(symbol)!).ToList(), Context.ConnectionAborted);
    }

    [Description("Stops following these symbols.")]
    public async Task Unsubscribe(string[] symbols)
    {
        var requested = Normalize(symbols);
        foreach (var symbol in requested)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(symbol), Context.ConnectionAborted);
        }
        live.Remove(Context.ConnectionId, requested);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        telemetry.HubDisconnected(HubName);
        live.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private static List<string> Normalize(string[]? symbols)
    {
        if (symbols is null || symbols.Length == 0)
        {
            throw new HubException("Give at least one symbol.");
        }
        if (symbols.Any(symbol => string.IsNullOrWhiteSpace(symbol) || symbol.Length > 20))
        {
            throw new HubException("Symbols are 1 to 20 characters.");
        }
        return symbols.Select(symbol => symbol.Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
    }
}
