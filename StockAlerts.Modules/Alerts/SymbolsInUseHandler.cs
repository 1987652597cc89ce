using Mediator;
using StockAlerts.Modules.Alerts.Contracts;

namespace StockAlerts.Modules.Alerts;

/// <summary>No rules are stored yet (the rule engine is the Alerts issue); answers that no symbol is in use.</summary>
internal sealed class SymbolsInUseHandler : IQueryHandler<GetSymbolsInUse, IReadOnlyCollection<string>>
{
    public ValueTask<IReadOnlyCollection<string>> Handle(GetSymbolsInUse query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyCollection<string>>([]);
}
