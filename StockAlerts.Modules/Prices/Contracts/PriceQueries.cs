using Mediator;

namespace StockAlerts.Modules.Prices.Contracts;

/// <summary>The latest quote of a symbol, or null when the symbol has none yet.</summary>
public sealed record GetLatestPrice(string Symbol) : IQuery<LatestPrice?>;

/// <summary>The latest quotes of many symbols in one read; symbols without a quote are left out.</summary>
public sealed record GetLatestPrices(IReadOnlyCollection<string> Symbols) : IQuery<IReadOnlyList<LatestPrice>>;

public sealed record LatestPrice(string Symbol, decimal Price, decimal? PreviousClose, decimal? DayOpen, DateTime Time, string Source, bool Stale);

/// <summary>Minimum and maximum of the prices received in the last <see cref="Minutes"/> minutes; null without data.</summary>
public sealed record GetPriceWindow(string Symbol, int Minutes) : IQuery<PriceWindow?>;

public sealed record PriceWindow(string Symbol, decimal Min, decimal Max, decimal First, decimal Last, DateTime From, DateTime To, int Points);

/// <summary>An instrument of the catalog by symbol (case-insensitive), or null when unknown.</summary>
public sealed record GetInstrument(string Symbol) : IQuery<InstrumentInfo?>;

/// <summary>HasDailyReferences: its feed supplies the previous close and the day's open (fixer and currencylayer do not).</summary>
public sealed record InstrumentInfo(string Symbol, string Kind, string Currency, string DisplayName, bool Enabled, bool HasDailyReferences = true);

/// <summary>Stored one-minute bars of a symbol between two UTC times, oldest first (for backtests).</summary>
public sealed record GetPriceHistory(string Symbol, DateTime From, DateTime To) : IQuery<IReadOnlyList<PriceBarInfo>>;

/// <summary>
/// One stored minute: its prices, when its first and last ticks came, how many ticks it folded (0: not counted, an
/// older bar) and the feed's previous close and day open with the close.
/// </summary>
public sealed record PriceBarInfo(DateTime Start, decimal Open, decimal High, decimal Low, decimal Close)
{
    public DateTime OpenAt { get; init; } = Start;

    public DateTime CloseAt { get; init; } = Start;

    public int Ticks { get; init; }

    public decimal? PreviousClose { get; init; }

    public decimal? DayOpen { get; init; }
}

/// <summary>
/// Day bars of a symbol, oldest first: the days that start in [From, To) and are over by To, each a calendar day in
/// the instrument's day zone (<see cref="InstrumentDays"/>). Kept beyond the one-minute history's retention.
/// </summary>
public sealed record GetDailyHistory(string Symbol, DateTime From, DateTime To) : IQuery<IReadOnlyList<DailyBarInfo>>;

/// <summary>One day: Day is the UTC instant it starts (midnight in the day zone).</summary>
public sealed record DailyBarInfo(DateTime Day, decimal Open, decimal High, decimal Low, decimal Close);

/// <summary>The symbols a user follows, for the account export.</summary>
public sealed record ExportUserWatchlist(string UserId) : IQuery<IReadOnlyList<string>>;
