namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>
/// The latest quote of a symbol. <see cref="ReceivedAt"/> is when the price last changed; <see cref="SeenAt"/> when
/// the provider last delivered it at all, which is what freshness is judged by.
/// </summary>
internal sealed record StoredQuote(
    string Symbol,
    decimal Price,
    decimal? PreviousClose,
    decimal? DayOpen,
    DateTime ProviderTime,
    DateTime ReceivedAt,
    DateTime SeenAt,
    string Source);

internal sealed record WindowPoint(DateTime Time, decimal Price);

internal sealed record ProviderStatus(
    string Provider,
    DateTime? LastSuccessAt,
    DateTime? LastAttemptAt,
    string? LastErrorCode,
    string? LastErrorMessage,
    string? ErrorKind,
    DateTime? PausedUntil);
