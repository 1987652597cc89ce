namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum FrequencyType
{
    Once,
    EveryTime,
    OncePerDay,
}
