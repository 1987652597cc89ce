using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Prices.ListInstruments;

internal sealed record ListInstrumentsRequest(string? Search, [OneOf("stock", "fx")] string? Kind, int? Page, int? PageSize)
{
    public const int MaxPageSize = 100;
}

internal sealed class ListInstrumentsRequestValidator : AbstractValidator<ListInstrumentsRequest>
{
    public ListInstrumentsRequestValidator()
    {
        RuleFor(request => request.Search).MaximumLength(50);
        RuleFor(request => request.Kind).Must(kind => kind is null || Enum.TryParse<InstrumentKind>(kind, ignoreCase: true, out _))
            .WithMessage("kind must be 'stock' or 'fx'.");
        RuleFor(request => request.Page).ValidPage();
        RuleFor(request => request.PageSize).ValidPageSize(ListInstrumentsRequest.MaxPageSize);
    }
}

internal sealed record InstrumentView(string Symbol, string Kind, string Currency, string DisplayName, string? Provider, bool Enabled);

internal sealed record InstrumentPage(IReadOnlyList<InstrumentView> Items, int Page, int PageSize, int Total);

internal static class ListInstrumentsEndpoint
{
    public static void MapListInstruments(this RouteGroupBuilder instruments) =>
        instruments.MapGet("/", HandleAsync).WithName("ListInstruments").WithSummary("Instruments, searched by symbol or name, paged");

    private static async Task<Ok<InstrumentPage>> HandleAsync(
        [AsParameters] ListInstrumentsRequest request, PricesDbContext database, InstrumentCatalog catalog, CancellationToken cancellationToken)
    {
        var page = request.Page ?? 1;
        var pageSize = request.PageSize ?? 50;
        var query = database.Instruments.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.Search))
        {
            var search = request.Search.Trim().ToUpperInvariant();
            query = query.Where(instrument => instrument.Symbol.Contains(search) || instrument.DisplayName.ToUpper().Contains(search));
        }
        if (request.Kind is not null)
        {
            var kind = Enum.Parse<InstrumentKind>(request.Kind, ignoreCase: true);
            query = query.Where(instrument => instrument.Kind == kind);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(instrument => instrument.Symbol).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var snapshot = await catalog.GetAsync(cancellationToken);
        return TypedResults.Ok(new InstrumentPage(items.Select(instrument => ToView(instrument, snapshot.ProviderOf(instrument))).ToList(), page, pageSize, total));
    }

    public static InstrumentView ToView(Instrument instrument, string? provider) =>
        new(instrument.Symbol, instrument.Kind.ToString().ToLowerInvariant(), instrument.Currency, instrument.DisplayName, provider, instrument.Enabled);
}
