namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal readonly record struct PriceSample(DateTime Time, decimal Price);
