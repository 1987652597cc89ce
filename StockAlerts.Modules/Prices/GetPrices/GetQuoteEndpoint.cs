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
        string symbol, InstrumentCatalog catalog, LatestQuotes latest, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        if (snapshot.Find(symbol) is not { } instrument)
        {
            return TypedResults.Problem($"No instrument '{symbol}'. GET /api/instruments lists them.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        if ((await latest.ViewsAsync([instrument], cancellationToken)) is not [var view])
        {
            return TypedResults.Problem($"'{instrument.Symbol}' has no price yet; its provider has not delivered one.", statusCode: StatusCodes.Status404NotFound, title: "No price yet");
        }
        return TypedResults.Ok(view);
    }
}
