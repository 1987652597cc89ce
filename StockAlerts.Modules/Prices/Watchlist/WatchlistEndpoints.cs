using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Prices.Watchlist;

/// <summary>The symbols a user follows, in the order added.</summary>
internal sealed record WatchlistView(IReadOnlyList<string> Symbols);

/// <summary>The instruments a person follows in the apps: kept per user, so every device shows the same list.</summary>
internal static class WatchlistEndpoints
{
    /// <summary>A long list for a person; the prices hub follows at most 50 symbols per connection, the rest are polled.</summary>
    public const int MaxSymbols = 200;

    public static void MapWatchlist(this RouteGroupBuilder watchlist)
    {
        watchlist.MapGet("/", GetAsync).WithName("GetWatchlist").WithSummary("The symbols the caller follows, in the order added");
        watchlist.MapPut("/{symbol}", AddAsync).WithName("AddToWatchlist")
            .WithSummary("Follows a symbol (adding one already followed changes nothing); answers the list").ProducesProblem(StatusCodes.Status409Conflict);
        watchlist.MapDelete("/{symbol}", RemoveAsync).WithName("RemoveFromWatchlist")
            .WithSummary("Stops following a symbol; answers the list");
    }

    private static async Task<Ok<WatchlistView>> GetAsync(ClaimsPrincipal user, PricesDbContext database, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ViewAsync(database, user.GetUserId(), cancellationToken));

    private static async Task<Results<Ok<WatchlistView>, ProblemHttpResult>> AddAsync(
        string symbol, ClaimsPrincipal user, PricesDbContext database, InstrumentCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var instrument = (await catalog.GetAsync(cancellationToken)).FindEnabled(symbol.Trim().ToUpperInvariant());
        if (instrument is null)
        {
            return TypedResults.Problem($"Unknown symbol '{symbol}'. GET /api/instruments lists the symbols you can follow.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        var userId = user.GetUserId();
        if (!await database.Watchlist.AnyAsync(entry => entry.UserId == userId && entry.Symbol == instrument.Symbol, cancellationToken))
        {
            if (await database.Watchlist.CountAsync(entry => entry.UserId == userId, cancellationToken) >= MaxSymbols)
            {
                return TypedResults.Problem($"You follow {MaxSymbols} symbols, the most allowed; remove some first.", statusCode: StatusCodes.Status409Conflict, title: "Watchlist full");
            }
            database.Watchlist.Add(new WatchlistEntry { UserId = userId, Symbol = instrument.Symbol, AddedAt = time.GetUtcNow().UtcDateTime });
            try
            {
                await database.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same symbol added twice at once (two devices): the key keeps one, which is what was asked.
                database.ChangeTracker.Clear();
            }
        }
        return TypedResults.Ok(await ViewAsync(database, userId, cancellationToken));
    }

    private static async Task<Ok<WatchlistView>> RemoveAsync(string symbol, ClaimsPrincipal user, PricesDbContext database, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var normalized = symbol.Trim().ToUpperInvariant();
        await database.Watchlist.Where(entry => entry.UserId == userId && entry.Symbol == normalized).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(database, userId, cancellationToken));
    }

    public static async Task<WatchlistView> ViewAsync(PricesDbContext database, string userId, CancellationToken cancellationToken) =>
        new(await database.Watchlist.AsNoTracking().Where(entry => entry.UserId == userId)
            .OrderBy(entry => entry.AddedAt).ThenBy(entry => entry.Symbol).Select(entry => entry.Symbol).ToListAsync(cancellationToken));
}

/// <summary>A user's watchlist: exported with the account, erased with it.</summary>
internal sealed class UserWatchlistData(PricesDbContext database) :
    INotificationHandler<UserDataErasing>,
    IQueryHandler<ExportUserWatchlist, IReadOnlyList<string>>
{
    public async ValueTask Handle(UserDataErasing notification, CancellationToken cancellationToken) =>
        await database.Watchlist.Where(entry => entry.UserId == notification.UserId).ExecuteDeleteAsync(cancellationToken);

    public async ValueTask<IReadOnlyList<string>> Handle(ExportUserWatchlist query, CancellationToken cancellationToken) =>
        (await WatchlistEndpoints.ViewAsync(database, query.UserId, cancellationToken)).Symbols;
}
