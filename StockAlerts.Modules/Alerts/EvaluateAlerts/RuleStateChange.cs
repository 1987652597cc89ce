namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record RuleStateChange(Guid RuleId, RuleState State, string? Reason, long Version, DateTime Time);
