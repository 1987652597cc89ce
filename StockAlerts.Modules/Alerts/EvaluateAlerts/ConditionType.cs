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
}
