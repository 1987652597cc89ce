using FluentValidation;

namespace StockAlerts.Modules.Prices;

public sealed class PricesOptions
{
    public const string Section = "Prices";

    /// <summary>A symbol is stale when its provider has not delivered it for this many poll intervals.</summary>
    public int StaleAfterIntervals { get; set; } = 3;

    /// <summary>Floor of the stale threshold, so a 1-second feed is not stale after a 3-second hiccup.</summary>
    public int MinimumStaleSeconds { get; set; } = 15;

    public int HistoryRetentionDays { get; set; } = 90;

    /// <summary>How much recent history the rolling window keeps per symbol (window rules cannot look further back).</summary>
    public int WindowMinutes { get; set; } = 240;

    public int MaxSymbolsPerConnection { get; set; } = 50;

    /// <summary>Per-symbol updates to live clients are coalesced to at most this many a second.</summary>
    public int MaxUpdatesPerSecond { get; set; } = 4;
}

public sealed class PricesOptionsValidator : AbstractValidator<PricesOptions>
{
    public PricesOptionsValidator()
    {
        RuleFor(options => options.StaleAfterIntervals).InclusiveBetween(1, 1000);
        RuleFor(options => options.MinimumStaleSeconds).InclusiveBetween(1, 86_400);
        RuleFor(options => options.HistoryRetentionDays).InclusiveBetween(1, 3650);
        RuleFor(options => options.WindowMinutes).InclusiveBetween(1, 7 * 24 * 60);
        RuleFor(options => options.MaxSymbolsPerConnection).InclusiveBetween(1, 5000);
        RuleFor(options => options.MaxUpdatesPerSecond).InclusiveBetween(1, 100);
    }
}
