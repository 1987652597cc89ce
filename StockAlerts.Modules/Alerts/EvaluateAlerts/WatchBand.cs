namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Where a rule whose reference travels with it (trailing extreme, step anchor, percent-change basis) can act:
// at or below AtOrBelow, or at or above AtOrAbove. Between the two a tick changes nothing for the rule, so the
// index skips it. The bounds are widened by a hair so rounding can only add a visit, never drop one.
internal readonly record struct WatchBand(decimal? AtOrBelow, decimal? AtOrAbove)
{
    /// <summary>The band, or null when the rule has no reference yet and must see every tick.</summary>
    public static WatchBand? For(AlertRule rule, RuleRuntime runtime, MarketState market)
    {
        var condition = rule.Condition;
        switch (condition.Type)
        {
            case ConditionType.TrailingDrawdown when runtime.TrailingExtreme is { } peak:
                return new WatchBand(Widen(peak - Distance(condition, peak), up: true), peak);
            case ConditionType.TrailingRise when runtime.TrailingExtreme is { } trough:
                return new WatchBand(trough, Widen(trough + Distance(condition, trough), up: false));
            case ConditionType.Step when runtime.StepAnchor is { } anchor:
                var step = Distance(condition, anchor);
                return new WatchBand(Widen(anchor - step, up: true), Widen(anchor + step, up: false));
            case ConditionType.PercentChange when (condition.Amount ?? condition.Percent) is not null
                && ConditionObserver.PercentChangeBasis(condition, runtime, market) is { } basis:
                var change = condition.Amount ?? basis * (condition.Percent ?? 0) / 100;
                var target = basis + change;
                var rising = (condition.Amount ?? condition.Percent ?? 0) >= 0;

                // Armed, it waits for the condition to hold; disarmed, for it to clear.
                return rising == runtime.Armed
                    ? new WatchBand(null, Widen(target, up: false))
                    : new WatchBand(Widen(target, up: true), null);
            default:
                return null;
        }
    }

    public static bool Applies(ConditionType type) =>
        type is ConditionType.TrailingDrawdown or ConditionType.TrailingRise or ConditionType.Step or ConditionType.PercentChange;

    private static decimal Distance(AlertCondition condition, decimal basis) =>
        condition.Amount ?? basis * (condition.Percent ?? 0) / 100;

    /// <summary>Moves a bound outward (up for an at-or-below bound, down for an at-or-above one).</summary>
    public static decimal Widen(decimal bound, bool up)
    {
        var hair = Math.Abs(bound) / 1_000_000_000_000m + 0.000_000_000_001m;
        return up ? bound + hair : bound - hair;
    }
}
