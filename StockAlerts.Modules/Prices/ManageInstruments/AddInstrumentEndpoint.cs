using System.ComponentModel.DataAnnotations;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.ListInstruments;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Prices.ManageInstruments;

internal sealed record AddInstrumentRequest([property: Required] string Symbol, [property: Required, OneOf("stock", "fx")] string Kind, [property: Required] string Currency, [property: Required] string DisplayName, string? Provider, decimal? ReferencePrice);

internal sealed class AddInstrumentRequestValidator : AbstractValidator<AddInstrumentRequest>
{
    public AddInstrumentRequestValidator()
    {
        RuleFor(request => request.Symbol).NotEmpty().MaximumLength(20).Matches("^[A-Za-z0-9.\\-]+$")
            .WithMessage("Symbol is 1 to 20 letters, digits, '.' or '-'.");
        RuleFor(request => request.Kind).Must(kind => Enum.TryParse<InstrumentKind>(kind, ignoreCase: true, out _)).WithMessage("Kind must be 'stock' or 'fx'.");
        RuleFor(request => request.Symbol).Matches("^[A-Za-z]{6}$").When(request => string.Equals(request.Kind, "fx", StringComparison.OrdinalIgnoreCase))
            .WithMessage("An FX symbol is two ISO currency codes, e.g. EURUSD.");
        RuleFor(request => request.Currency).NotEmpty().Matches("^[A-Za-z]{3}$").WithMessage("Currency is an ISO code, e.g. USD.");
        RuleFor(request => request.DisplayName).NotEmpty().MaximumLength(100);
        RuleFor(request => request.Provider).Must(provider => provider is null || KnownProviders.Contains(provider))
            .WithMessage($"Provider must be one of {string.Join(", ", KnownProviders)} (or omitted for the default of its kind).");
        RuleFor(request => request.ReferencePrice).GreaterThan(0).LessThan(1_000_000_000m).When(request => request.ReferencePrice is not null)
            .WithMessage("referencePrice must be above 0 and below 1000000000.");
    }

    public static readonly string[] KnownProviders = [EnabledProviders.Simulated, EnabledProviders.Fixer, EnabledProviders.CurrencyLayer, EnabledProviders.Finnhub];
}

internal static class AddInstrumentEndpoint
{
    public static void MapAddInstrument(this RouteGroupBuilder instruments) =>
        instruments.MapPost("/", HandleAsync).WithName("AddInstrument").WithSummary("Adds an instrument (admins)").RequireAuthorization(CurrentUser.AdminPolicy);

    private static async Task<Results<Created<InstrumentView>, ProblemHttpResult>> HandleAsync(
        AddInstrumentRequest request, PricesDbContext database, InstrumentCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var symbol = request.Symbol.Trim().ToUpperInvariant();
        if (await database.Instruments.AnyAsync(instrument => instrument.Symbol == symbol, cancellationToken))
        {
            return TypedResults.Problem($"'{symbol}' is already in the catalog; PUT /api/instruments/{symbol} changes it.", statusCode: StatusCodes.Status409Conflict, title: "Duplicate instrument");
        }
        var instrument = new Instrument
        {
            Symbol = symbol,
            Kind = Enum.Parse<InstrumentKind>(request.Kind, ignoreCase: true),
            Currency = request.Currency.ToUpperInvariant(),
            DisplayName = request.DisplayName.Trim(),
            Provider = request.Provider?.ToLowerInvariant(),
            ReferencePrice = request.ReferencePrice ?? 100m,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        database.Instruments.Add(instrument);
        await database.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        var snapshot = await catalog.GetAsync(cancellationToken);
        return TypedResults.Created($"/api/instruments/{symbol}", ListInstrumentsEndpoint.ToView(instrument, snapshot.ProviderOf(instrument)));
    }
}
