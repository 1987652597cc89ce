using FluentValidation;

namespace StockAlerts.Modules.Prices.StreamPrices;

/// <summary>Finnhub's trades WebSocket, beside its polling (Prices:Providers:finnhub:Stream).</summary>
public sealed class FinnhubStreamOptions
{
    public const string Section = "Prices:Providers:finnhub:Stream";

    /// <summary>Left out: on whenever Finnhub is (it has an ApiKey).</summary>
    public bool? Enabled { get; set; }

    public string Url { get; set; } = "wss://ws.finnhub.io";

    /// <summary>Symbols one connection may follow (about 50 on the free plan); the most watched go first, the rest stay polled.</summary>
    public int MaxSymbols { get; set; } = 50;

    /// <summary>A socket that brings neither a trade nor a ping for this long is taken for dead and reconnected.</summary>
    public int SilenceSeconds { get; set; } = 60;
}

public sealed class FinnhubStreamOptionsValidator : AbstractValidator<FinnhubStreamOptions>
{
    public FinnhubStreamOptionsValidator()
    {
        RuleFor(options => options.Url).Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "ws" or "wss")
            .WithMessage("must be a ws:// or wss:// address, such as wss://ws.finnhub.io.");
        RuleFor(options => options.MaxSymbols).InclusiveBetween(1, 10_000);
        RuleFor(options => options.SilenceSeconds).InclusiveBetween(5, 3600);
    }
}
