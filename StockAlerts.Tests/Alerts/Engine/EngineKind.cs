namespace StockAlerts.Tests.Alerts.Engine;

public enum EngineKind
{
    Index,
    Naive,
}
