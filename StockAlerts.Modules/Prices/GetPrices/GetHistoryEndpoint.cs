using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.History;
using StockAlerts.Modules.Shared.Api;

namespace StockAlerts.Modules.Prices.GetPrices;

internal sealed record GetHistoryRequest(string Symbol, DateTime? From, DateTime? To, [OneOf("1m", "5m", "1h", "1d")] string? Interval)
{
    public const int MaxBars = 5000;

    public static readonly IReadOnlyDictionary<string, TimeSpan> Intervals = new Dictionary<string, TimeSpan>
    {
        ["1m"] = TimeSpan.FromMinutes(1),
        ["5m"] = TimeSpan.FromMinutes(5),
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
    };

    public TimeSpan Step => Intervals[Interval ?? "1m"];

    public DateTime ToUtc(DateTime now) => (To ?? now).ToUniversalTime();

    public DateTime FromUtc(DateTime now) => (From ?? ToUtc(now) - Step * 500).ToUniversalTime();
}

internal sealed class GetHistoryRequestValidator : AbstractValidator<GetHistoryRequest>
{
    public GetHistoryRequestValidator()
    {
        RuleFor(request => request.From).GreaterThan(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).LessThan(new DateTime(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        RuleFor(request => request.To).GreaterThan(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).LessThan(new DateTime(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        RuleFor(request => request.Interval).Must(interval => interval is null || GetHistoryRequest.Intervals.ContainsKey(interval))
            .WithMessage("interval must be one of 1m, 5m, 1h, 1d.");
        RuleFor(request => request).Must(request => request.From is null || request.To is null || request.From < request.To)
            .OverridePropertyName("from").WithMessage("from must be before to.");
        When(request => request.From is not null && request.To is not null && (request.Interval is null || GetHistoryRequest.Intervals.ContainsKey(request.Interval)), () =>
            RuleFor(request => request)
                .Must(request => (request.To!.Value - request.From!.Value) / request.Step <= GetHistoryRequest.MaxBars)
                .OverridePropertyName("to").WithMessage($"At most {GetHistoryRequest.MaxBars} bars per request: shorten the period or use a larger interval."));
    }
}

internal sealed record BarView(DateTime Time, decimal Open, decimal High, decimal Low, decimal Close);

internal sealed record HistoryView(string Symbol, string Interval, DateTime From, DateTime To, IReadOnlyList<BarView> Bars);

internal static class GetHistoryEndpoint
{
    public static void MapGetHistory(this RouteGroupBuilder prices) =>
        prices.MapGet("/{symbol}/history", HandleAsync).WithName("GetPriceHistory")
            .WithSummary("OHLC bars (?from=&to=&interval=1m|5m|1h|1d): from stored one-minute bars; 1d bars are the instrument's days (New York for stocks, UTC for pairs), kept beyond the minutes' retention, the day still forming last");

    private static async Task<Results<Ok<HistoryView>, ProblemHttpResult>> HandleAsync(
        [AsParameters] GetHistoryRequest request, InstrumentCatalog catalog, PricesDbContext database, TimeProvider time, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        if (snapshot.Find(request.Symbol) is not { } instrument)
        {
            return TypedResults.Problem($"No instrument '{request.Symbol}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown symbol");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var (from, to) = (request.FromUtc(now), request.ToUtc(now));
        if (request.Interval == "1d")
        {
            // The same days the 1d indicators use, rolled up and kept after their minutes are pruned (a year's chart).
            var days = await DailyBars.ReadAsync(database, instrument.Symbol, DailyBars.ZoneOf(instrument), from, to, cancellationToken, wholeDaysOnly: false);
            return TypedResults.Ok(new HistoryView(instrument.Symbol, "1d", from, to, days.Select(day => new BarView(day.Day, day.Open, day.High, day.Low, day.Close)).ToList()));
        }

        var step = request.Step;
        var minutes = await database.PriceBars.AsNoTracking()
            .Where(bar => bar.Symbol == instrument.Symbol && bar.Start >= from && bar.Start < to)
            .OrderBy(bar => bar.Start)
            .ToListAsync(cancellationToken);
        var bars = minutes
            .GroupBy(bar => new DateTime(bar.Start.Ticks - bar.Start.Ticks % step.Ticks, DateTimeKind.Utc))
            .Select(group => new BarView(group.Key, group.First().Open, group.Max(bar => bar.High), group.Min(bar => bar.Low), group.Last().Close))
            .ToList();
        return TypedResults.Ok(new HistoryView(instrument.Symbol, request.Interval ?? "1m", from, to, bars));
    }
}
