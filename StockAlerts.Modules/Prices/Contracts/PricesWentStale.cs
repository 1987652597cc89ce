using Mediator;

namespace StockAlerts.Modules.Prices.Contracts;

/// <summary>
/// Symbols whose feed stopped delivering (no price for longer than their staleness limit), published once when
/// each goes stale. The next price of such a symbol arrives with <see cref="PriceChange.AfterGap"/> set.
/// </summary>
public sealed record PricesWentStale(IReadOnlyList<SymbolStale> Symbols) : INotification;

/// <summary>LastPrice is the last price delivered, at LastSeen; DetectedAt is when the staleness was noticed.</summary>
public sealed record SymbolStale(string Symbol, decimal LastPrice, DateTime LastSeen, DateTime DetectedAt);
