using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Data;

/// <summary>
/// The values many stored rules repeat (their user, symbol and time zone, their frequency), kept once for all the
/// rules of one read of the index: the database hands each row its own copies, and the index would hold them all.
/// </summary>
internal sealed class SharedValues
{
    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, int CooldownSeconds, int? MaxFires), AlertFrequency> frequencies = [];

    public string Text(string value)
    {
        if (texts.TryGetValue(value, out var shared))
        {
            return shared;
        }
        texts.Add(value, value);
        return value;
    }

    public AlertFrequency Frequency(string type, int cooldownSeconds, int? maxFires)
    {
        if (!frequencies.TryGetValue((type, cooldownSeconds, maxFires), out var frequency))
        {
            frequency = RuleMapping.FrequencyOf(type, cooldownSeconds, maxFires);
            frequencies.Add((Text(type), cooldownSeconds, maxFires), frequency);
        }
        return frequency;
    }
}
