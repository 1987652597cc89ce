namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal interface IRuleEngine
{
    bool Add(AlertRule rule, RuleRuntime? runtime = null);

    bool Update(AlertRule rule);

    bool Remove(Guid ruleId);

    bool Rearm(Guid ruleId);

    RuleRuntime? FindRuntime(Guid ruleId);

    IReadOnlyList<FiringCandidate> Evaluate(PriceTick tick, ICollection<RuleStateChange>? stateChanges = null);

    /// <summary>
    /// Time passes without a new price: expiry and re-arm after N seconds happen when due, and a confirmation whose
    /// time is up fires on the last fresh price, since nothing newer has contradicted it.
    /// </summary>
    IReadOnlyList<FiringCandidate> AdvanceClock(DateTime time, ICollection<RuleStateChange>? stateChanges = null);
}
