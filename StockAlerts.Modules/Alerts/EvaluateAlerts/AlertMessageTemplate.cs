using System.Globalization;
using System.Text;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

// Unknown placeholders are left as written so a typo shows up in the message instead of vanishing.
internal static class AlertMessageTemplate
{
    public const string Default = "{{symbol}} {{price}}: {{rule}}";

    public static string Render(AlertRule rule, FiringCandidate firing) =>
        Render(rule.MessageTemplate ?? Default, firing, rule.Name ?? firing.Description, TimeZoneCache.Find(rule.TimeZoneId));

    public static string Render(string template, FiringCandidate firing, string ruleName, TimeZoneInfo timeZone)
    {
        var builder = new StringBuilder(template.Length + 32);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            var close = open < 0 ? -1 : template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            builder.Append(template, position, open - position);
            var name = template[(open + 2)..close].Trim();
            builder.Append(Value(name, firing, ruleName, timeZone) ?? template[open..(close + 2)]);
            position = close + 2;
        }

        builder.Append(template, position, template.Length - position);
        return builder.ToString();
    }

    private static string? Value(string name, FiringCandidate firing, string ruleName, TimeZoneInfo timeZone) => name switch
    {
        "symbol" => firing.Symbol,
        "price" => NumberText.Price(firing.Price),
        "level" => NumberText.Price(firing.ComparedValue),
        "change" => NumberText.Signed(firing.Change),
        "changePercent" => NumberText.Signed(Math.Round(firing.ChangePercent, 2)),
        "time" => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(firing.Time, DateTimeKind.Utc), timeZone)
            .ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        "rule" => ruleName,
        _ => null,
    };
}
