namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Holds: the condition is true at this price. Event: the rule would fire now if the gates allow it.
internal readonly record struct Observation(bool Holds, bool Event, decimal ComparedValue)
{
    /// <summary>For a crossing either way: which way the value crossed, if it did.</summary>
    public CrossDirection? Crossing { get; init; }

    /// <summary>For a compound: the expression with its events over, what the next evaluation compares with.</summary>
    public bool HeldAfter { get; init; }
}
