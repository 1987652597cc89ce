namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record PriceTick(string Symbol, decimal Price, decimal? PreviousPrice, DateTime Time, bool IsStale = false)
{
    public decimal? PreviousClose { get; init; }
    public decimal? DayOpen { get; init; }
}
