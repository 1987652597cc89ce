namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Where a latched rule re-arms: at or below AtOrBelow, or at or above AtOrAbove (and not above Ceiling).
internal readonly record struct RearmBand(decimal? AtOrBelow, decimal? AtOrAbove, decimal? Ceiling)
{
    public bool Contains(decimal price) =>
        (AtOrBelow is { } low && price <= low)
        || (AtOrAbove is { } high && price >= high && (Ceiling is not { } ceiling || price <= ceiling));

    public static RearmBand For(AlertRule rule, RuleRuntime runtime)
    {
        if (rule.HysteresisMargin is not { } margin)
        {
            return default;
        }

        var condition = rule.Condition;
        var side = condition.Type switch
        {
            ConditionType.Above => CrossDirection.Up,
            ConditionType.Below => CrossDirection.Down,
            _ => ConditionTraits.Direction(rule, runtime),
        };
        if (side is { } direction && condition.Level is { } level)
        {
            return direction == CrossDirection.Up
                ? new RearmBand(level - margin, null, null)
                : new RearmBand(null, level + margin, null);
        }

        if (condition.Lower is not { } lower || condition.Upper is not { } upper)
        {
            return default;
        }

        return condition.Type switch
        {
            ConditionType.EntersChannel or ConditionType.InsideChannel => new RearmBand(lower - margin, upper + margin, null),
            ConditionType.ExitsChannel or ConditionType.OutsideChannel => new RearmBand(null, lower + margin, upper - margin),
            _ => default,
        };
    }
}
