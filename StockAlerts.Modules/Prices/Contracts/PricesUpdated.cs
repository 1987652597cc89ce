using Mediator;

namespace StockAlerts.Modules.Prices.Contracts;

/// <summary>One poll's worth of changed quotes, published once per batch.</summary>
public sealed record PricesUpdated(IReadOnlyList<PriceChange> Changes) : INotification;

/// <summary>
/// A quote that differs from the symbol's previous one. <see cref="PreviousPrice"/> is the last price received
/// before this one (null for the first ever); <see cref="PreviousReceivedAt"/> tells how old it is, so a consumer can
/// recognise a gap in the feed; <see cref="AfterGap"/> says the feed had gone stale before this price, so the
/// previous price is not a fresh one to compare with.
/// </summary>
public sealed record PriceChange(
    string Symbol,
    decimal Price,
    decimal? PreviousPrice,
    DateTime? PreviousReceivedAt,
    string Source,
    DateTime ProviderTime,
    DateTime ReceivedAt,
    decimal? PreviousClose,
    decimal? DayOpen,
    bool AfterGap = false);
