namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum RuleState
{
    Active,
    Pending,
    Triggered,
    Paused,
    Expired,
    NoData,
}
