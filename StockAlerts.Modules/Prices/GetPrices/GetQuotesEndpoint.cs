using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.GetPrices;

internal sealed record GetQuotesRequest(string? Symbols)
{
    public const int MaxSymbols = 100;

    public IReadOnlyList<string> SymbolList =>
        (Symbols ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(symbol => symbol.ToUpperInvariant()).Distinct().ToList();
}

internal sealed class GetQuotesRequestValidator : AbstractValidator<GetQuotesRequest>
{
    public GetQuotesRequestValidator()
    {
        RuleFor(request => request.SymbolList).NotEmpty().OverridePropertyName("symbols").WithMessage("Give symbols as ?symbols=AAPL,EURUSD.");
        RuleFor(request => request.SymbolList.Count).LessThanOrEqualTo(GetQuotesRequest.MaxSymbols).OverridePropertyName("symbols")
            .WithMessage($"At most {GetQuotesRequest.MaxSymbols} symbols per request.");
    }
}

internal static class GetQuotesEndpoint
{
    public static void MapGetQuotes(this RouteGroupBuilder prices) =>
        prices.MapGet("/", HandleAsync).WithName("GetQuotes").WithSummary("The latest quotes of several symbols (?symbols=A,B,C)");

    private static async Task<Results<Ok<IReadOnlyList<QuoteView>>, ProblemHttpResult>> HandleAsync(
        [AsParameters] GetQuotesRequest request, InstrumentCatalog catalog, LatestQuotes latest, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var symbols = request.SymbolList;
        var unknown = symbols.Where(symbol => snapshot.Find(symbol) is null).ToList();
        if (unknown.Count > 0)
        {
            return TypedResults.Problem($"Unknown symbol(s): {string.Join(", ", unknown)}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        return TypedResults.Ok(await latest.ViewsAsync(symbols.Select(symbol => snapshot.Find(symbol)!).ToList(), cancellationToken));
    }
}
