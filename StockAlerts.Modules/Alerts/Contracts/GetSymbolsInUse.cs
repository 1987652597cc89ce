using Mediator;

namespace StockAlerts.Modules.Alerts.Contracts;

/// <summary>Symbols that at least one active rule watches; price providers poll these first.</summary>
public sealed record GetSymbolsInUse : IQuery<IReadOnlyCollection<string>>;
