using Mediator;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <summary>Feeds every changed price into the rule index.</summary>
internal sealed class EvaluateOnPricesUpdated(RuleIndex index) : INotificationHandler<PricesUpdated>
{
    public ValueTask Handle(PricesUpdated notification, CancellationToken cancellationToken)
    {
        lock (index)
        {
            foreach (var change in notification.Changes)
            {
                index.Evaluate(new PriceTick(change.Symbol, change.Price, change.PreviousPrice, change.ReceivedAt, IsStale: false)
                {
                    PreviousClose = change.PreviousClose,
                    DayOpen = change.DayOpen,
                });
            }
        }
        return ValueTask.CompletedTask;
    }
}
