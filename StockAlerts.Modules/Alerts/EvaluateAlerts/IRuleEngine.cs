namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal interface IRuleEngine
{
    bool Add(AlertRule rule, RuleRuntime? runtime = null);

    bool Update(AlertRule rule);

    bool Remove(Guid ruleId);

    bool Rearm(Guid ruleId);

    RuleRuntime? FindRuntime(Guid ruleId);

    IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null);
}
