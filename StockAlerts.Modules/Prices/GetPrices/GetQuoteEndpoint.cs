using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.GetPrices;

internal static class GetQuoteEndpoint
{
    public static void MapGetQuote(this RouteGroupBuilder prices) =>
        prices.MapGet("/{symbol}", HandleAsync).WithName("GetQuote").WithSummary("The latest quote of one symbol");

    private static async Task<Results<Ok<QuoteView>, ProblemHttpResult>> HandleAsync(
        string symbol, InstrumentCatalog catalog, IQuoteStore store, Staleness staleness, TimeProvider time, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        if (snapshot.Find(symbol) is not { } instrument)
        {
            return TypedResults.Problem($"No instrument '{symbol}'. GET /api/instruments lists them.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        var quotes = await store.GetLatestAsync([instrument.Symbol], cancellationToken);
        if (!quotes.TryGetValue(instrument.Symbol, out var quote))
        {
            return TypedResults.Problem($"'{instrument.Symbol}' has no price yet; its provider has not delivered one.", statusCode: StatusCodes.Status404NotFound, title: "No price yet");
        }
        return TypedResults.Ok(staleness.View(quote, instrument.Kind, time.GetUtcNow().UtcDateTime));
    }
}
