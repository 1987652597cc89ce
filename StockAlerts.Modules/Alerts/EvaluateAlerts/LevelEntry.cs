namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Slot is null only for the probes that bound a range query.
internal readonly record struct LevelEntry(decimal Key, long Sequence, RuleSlot? Slot);
