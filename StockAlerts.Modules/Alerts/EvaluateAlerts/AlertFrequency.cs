namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record AlertFrequency(FrequencyType Type, int CooldownSeconds = 0, int? MaxFires = null)
{
    public static AlertFrequency Once { get; } = new(FrequencyType.Once);

    public static AlertFrequency OncePerDay { get; } = new(FrequencyType.OncePerDay);

    public static AlertFrequency EveryTime(int cooldownSeconds = 0, int? maxFires = null) =>
        new(FrequencyType.EveryTime, cooldownSeconds, maxFires);
}
