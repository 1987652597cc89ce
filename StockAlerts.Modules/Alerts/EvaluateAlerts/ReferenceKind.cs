namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum ReferenceKind
{
    PreviousClose,
    DayOpen,
    Creation,
}
