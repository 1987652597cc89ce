using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

internal static class TestRules
{
    public const string Symbol = "AAPL";
    public const string UserId = "user-1";

    public static AlertRule Create(AlertCondition condition, AlertFrequency? frequency = null) =>
        new(Guid.NewGuid(), UserId, Symbol, condition) { Frequency = frequency ?? AlertFrequency.Once };

    public static AlertRule Above(decimal level, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.Above) { Level = level }, frequency);

    public static AlertRule Below(decimal level, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.Below) { Level = level }, frequency);

    public static AlertRule CrossesAbove(decimal level, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.CrossesAbove) { Level = level }, frequency);

    public static AlertRule CrossesBelow(decimal level, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.CrossesBelow) { Level = level }, frequency);

    public static AlertRule Crosses(decimal level, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.Crosses) { Level = level }, frequency);

    public static AlertRule Channel(ConditionType type, decimal lower, decimal upper, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(type) { Lower = lower, Upper = upper }, frequency);

    public static AlertRule Move(ConditionType type, int windowMinutes, decimal? amount = null, decimal? percent = null, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(type) { WindowMinutes = windowMinutes, Amount = amount, Percent = percent }, frequency);

    public static AlertRule PercentChange(ReferenceKind reference, decimal percent, decimal? referencePrice = null, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.PercentChange) { Reference = reference, Percent = percent, ReferencePrice = referencePrice }, frequency);

    public static AlertRule Trailing(ConditionType type, decimal? amount = null, decimal? percent = null, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(type) { Amount = amount, Percent = percent }, frequency);

    public static AlertRule Step(decimal? amount = null, decimal? percent = null, decimal? referencePrice = null, AlertFrequency? frequency = null) =>
        Create(new AlertCondition(ConditionType.Step) { Amount = amount, Percent = percent, ReferencePrice = referencePrice }, frequency);
}
