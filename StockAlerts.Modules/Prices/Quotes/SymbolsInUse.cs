using Mediator;
using StockAlerts.Modules.Alerts.Contracts;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>The symbols someone waits on: those with rules first, then those open apps watch; upper case, once each.</summary>
internal static class SymbolsInUse
{
    public static async Task<IReadOnlyList<string>> ListAsync(IMediator mediator, IQuoteStore store, DateTime now, CancellationToken cancellationToken)
    {
        var ruled = await mediator.Send(new GetSymbolsInUse(), cancellationToken);
        var viewed = await store.GetLiveSymbolsAsync(now, cancellationToken);
        return ruled.Order(StringComparer.Ordinal).Concat(viewed.Order(StringComparer.Ordinal))
            .Select(symbol => symbol.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
