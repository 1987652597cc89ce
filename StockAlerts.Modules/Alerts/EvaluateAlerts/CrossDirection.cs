namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum CrossDirection
{
    Up,
    Down,
}
