namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class ConditionTraits
{
    /// <summary>Conditions that are an event at one price (true only then), not a state that lasts.</summary>
    public static bool IsEvent(ConditionType type) => IsLevelEdge(type);

    public static bool IsLevelEdge(ConditionType type) =>
        type is ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses
            or ConditionType.EntersChannel or ConditionType.ExitsChannel;

    /// <summary>Conditions whose evaluation changes nothing about the rule unless it fires.</summary>
    public static bool OnlyFiresWhenVisited(ConditionType type) =>
        type is ConditionType.Above or ConditionType.Below or ConditionType.InsideChannel or ConditionType.OutsideChannel
            || IsLevelEdge(type);

    public static bool RearmsWhenConditionClears(ConditionType type) =>
        type is ConditionType.MovesUp or ConditionType.MovesDown or ConditionType.PercentChange;

    public static bool IsTrailing(ConditionType type) =>
        type is ConditionType.TrailingDrawdown or ConditionType.TrailingRise;

    public static bool NeedsWindow(ConditionType type) =>
        type is ConditionType.MovesUp or ConditionType.MovesDown;

    public static CrossDirection? Direction(AlertRule rule, RuleRuntime runtime) => rule.Condition.Type switch
    {
        ConditionType.CrossesAbove => CrossDirection.Up,
        ConditionType.CrossesBelow => CrossDirection.Down,
        // Either way: the direction of the crossing last seen.
        ConditionType.Crosses => runtime.Direction,
        _ => null,
    };
}
