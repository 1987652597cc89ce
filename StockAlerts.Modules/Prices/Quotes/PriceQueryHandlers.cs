using Mediator;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.History;
using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Modules.Prices.Quotes;

internal sealed class PriceQueryHandlers(InstrumentCatalog catalog, IQuoteStore store, LatestQuotes latest, PricesDbContext database, TimeProvider time) :
    IQueryHandler<GetLatestPrice, LatestPrice?>,
    IQueryHandler<GetLatestPrices, IReadOnlyList<LatestPrice>>,
    IQueryHandler<GetPriceWindow, PriceWindow?>,
    IQueryHandler<GetInstrument, InstrumentInfo?>,
    IQueryHandler<GetPriceHistory, IReadOnlyList<PriceBarInfo>>,
    IQueryHandler<GetDailyHistory, IReadOnlyList<DailyBarInfo>>
{
    public async ValueTask<LatestPrice?> Handle(GetLatestPrice query, CancellationToken cancellationToken) =>
        (await Handle(new GetLatestPrices([query.Symbol]), cancellationToken)).SingleOrDefault();

    public async ValueTask<IReadOnlyList<LatestPrice>> Handle(GetLatestPrices query, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var instruments = query.Symbols.Select(snapshot.Find).OfType<Instrument>().DistinctBy(instrument => instrument.Symbol).ToList();
        return (await latest.ReadAsync(instruments, cancellationToken))
            .Select(entry => new LatestPrice(entry.Quote.Symbol, entry.Quote.Price, entry.Quote.PreviousClose, entry.Quote.DayOpen, entry.Quote.ReceivedAt, entry.Quote.Source, entry.Stale))
            .ToList();
    }

    public async ValueTask<PriceWindow?> Handle(GetPriceWindow query, CancellationToken cancellationToken)
    {
        var symbol = query.Symbol.ToUpperInvariant();
        var to = time.GetUtcNow().UtcDateTime;
        var points = await store.GetWindowAsync(symbol, to.AddMinutes(-query.Minutes), cancellationToken);
        if (points.Count == 0)
        {
            return null;
        }
        return new PriceWindow(symbol, points.Min(point => point.Price), points.Max(point => point.Price), points[0].Price, points[^1].Price,
            points[0].Time, points[^1].Time, points.Count);
    }

    public async ValueTask<InstrumentInfo?> Handle(GetInstrument query, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        return snapshot.Find(query.Symbol) is { } instrument
            ? new InstrumentInfo(instrument.Symbol, instrument.Kind.ToString().ToLowerInvariant(), instrument.Currency, instrument.DisplayName, instrument.Enabled,
                HasDailyReferences: snapshot.ProviderOf(instrument) is not (FixerProvider.ProviderName or CurrencyLayerProvider.ProviderName))
            : null;
    }

    public async ValueTask<IReadOnlyList<DailyBarInfo>> Handle(GetDailyHistory query, CancellationToken cancellationToken)
    {
        var symbol = query.Symbol.ToUpperInvariant();
        var snapshot = await catalog.GetAsync(cancellationToken);
        return await DailyBars.ReadAsync(database, symbol, DailyBars.ZoneOf(snapshot.Find(symbol)), query.From, query.To, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<PriceBarInfo>> Handle(GetPriceHistory query, CancellationToken cancellationToken)
    {
        var symbol = query.Symbol.ToUpperInvariant();
        return await database.PriceBars.AsNoTracking()
            .Where(bar => bar.Symbol == symbol && bar.Start >= query.From && bar.Start < query.To)
            .OrderBy(bar => bar.Start)
            .Select(bar => new PriceBarInfo(bar.Start, bar.Open, bar.High, bar.Low, bar.Close)
            {
                OpenAt = bar.OpenAt, CloseAt = bar.CloseAt, Ticks = bar.Ticks, PreviousClose = bar.PreviousClose, DayOpen = bar.DayOpen,
            })
            .ToListAsync(cancellationToken);
    }
}
