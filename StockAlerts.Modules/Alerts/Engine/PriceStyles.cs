using Mediator;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>The instrument's way of writing prices, from the Prices module's catalog (cached there).</summary>
internal sealed class PriceStyles(IMediator mediator)
{
    public async Task<PriceStyle> ForAsync(string symbol, decimal price, CancellationToken cancellationToken) =>
        await mediator.Send(new GetInstrument(symbol), cancellationToken) is { } instrument
            ? PriceStyle.For(instrument.Kind, instrument.Currency, price)
            : PriceStyle.Raw;
}
