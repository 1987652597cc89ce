using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.ListInstruments;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Prices.ManageInstruments;

internal sealed record UpdateInstrumentRequest(string? DisplayName, bool? Enabled, string? Provider);

internal sealed class UpdateInstrumentRequestValidator : AbstractValidator<UpdateInstrumentRequest>
{
    public UpdateInstrumentRequestValidator()
    {
        RuleFor(request => request.DisplayName).MaximumLength(100).NotEmpty().When(request => request.DisplayName is not null);
        RuleFor(request => request.Provider).Must(provider => provider is null || provider == "" || AddInstrumentRequestValidator.KnownProviders.Contains(provider))
            .WithMessage($"Provider must be one of {string.Join(", ", AddInstrumentRequestValidator.KnownProviders)}, or \"\" for the default of its kind.");
    }
}

internal static class UpdateInstrumentEndpoint
{
    public static void MapUpdateInstrument(this RouteGroupBuilder instruments) =>
        instruments.MapPut("/{symbol}", HandleAsync).WithName("UpdateInstrument").WithSummary("Renames, enables/disables or re-routes an instrument (admins)")
            .RequireAuthorization(CurrentUser.AdminPolicy);

    private static async Task<Results<Ok<InstrumentView>, ProblemHttpResult>> HandleAsync(
        string symbol, UpdateInstrumentRequest request, PricesDbContext database, InstrumentCatalog catalog, CancellationToken cancellationToken)
    {
        var normalized = symbol.ToUpperInvariant();
        var instrument = await database.Instruments.SingleOrDefaultAsync(candidate => candidate.Symbol == normalized, cancellationToken);
        if (instrument is null)
        {
            return TypedResults.Problem($"No instrument '{normalized}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        instrument.DisplayName = request.DisplayName?.Trim() ?? instrument.DisplayName;
        instrument.Enabled = request.Enabled ?? instrument.Enabled;
        if (request.Provider is not null)
        {
            instrument.Provider = request.Provider == "" ? null : request.Provider.ToLowerInvariant();
        }
        await database.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        var snapshot = await catalog.GetAsync(cancellationToken);
        return TypedResults.Ok(ListInstrumentsEndpoint.ToView(instrument, snapshot.ProviderOf(instrument)));
    }
}
