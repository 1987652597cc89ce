namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal enum ConditionType
{
    Above,
    Below,
    CrossesAbove,
    CrossesBelow,
    Crosses,
    EntersChannel,
    ExitsChannel,
    InsideChannel,
    OutsideChannel,
    MovesUp,
    MovesDown,
    PercentChange,
    TrailingDrawdown,
    TrailingRise,
    Step,

    /// <summary>A condition on indicators (stored and shown as such; in the engine its type is the operator).</summary>
    Indicator,

    /// <summary>All or any of up to five conditions, on one symbol or several.</summary>
    Compound,
}
