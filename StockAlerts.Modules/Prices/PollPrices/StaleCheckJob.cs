using Mediator;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;

namespace StockAlerts.Modules.Prices.PollPrices;

/// <summary>Announces each symbol going stale or fresh once (a recurring job, so once across instances).</summary>
internal sealed partial class StaleCheckJob(
    InstrumentCatalog catalog,
    IQuoteStore store,
    Staleness staleness,
    PriceStreamer streamer,
    IMediator mediator,
    TimeProvider time,
    ILogger<StaleCheckJob> logger)
{
    public const string JobId = "prices:stale";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var snapshot = await catalog.GetAsync(cancellationToken);
        var quotes = await store.GetAllLatestAsync(cancellationToken);
        var stale = quotes
            .Where(quote => snapshot.FindEnabled(quote.Symbol) is { } instrument && staleness.IsStale(quote, instrument.Kind, now))
            .ToDictionary(quote => quote.Symbol, StringComparer.Ordinal);
        var before = (await store.SwapStaleSymbolsAsync(stale.Keys.ToList(), cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var bySymbol = quotes.ToDictionary(quote => quote.Symbol, StringComparer.Ordinal);

        var wentStale = new List<SymbolStale>();
        foreach (var symbol in stale.Keys.Where(symbol => !before.Contains(symbol)))
        {
            LogWentStale(symbol, stale[symbol].Source, stale[symbol].SeenAt);
            await streamer.SendStaleChangeAsync(new StaleChange(symbol, true, stale[symbol].SeenAt));
            wentStale.Add(new SymbolStale(symbol, stale[symbol].Price, stale[symbol].SeenAt, now));
        }
        if (wentStale.Count > 0)
        {
            // The rules on these symbols learn it now (they show noData), not when the next price finally comes.
            await mediator.Publish(new PricesWentStale(wentStale), cancellationToken);
        }
        foreach (var symbol in before.Where(symbol => !stale.ContainsKey(symbol) && bySymbol.ContainsKey(symbol)))
        {
            LogFreshAgain(symbol);
            await streamer.SendStaleChangeAsync(new StaleChange(symbol, false, bySymbol[symbol].SeenAt));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: {Symbol} is stale: {Provider} last delivered it at {SeenAt:u}")]
    private partial void LogWentStale(string symbol, string provider, DateTime seenAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: {Symbol} is fresh again")]
    private partial void LogFreshAgain(string symbol);
}
