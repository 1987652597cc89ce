using System.Globalization;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class NumberText
{
    public static string Price(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    public static string Signed(decimal value) =>
        value.ToString("+0.##########;-0.##########;0", CultureInfo.InvariantCulture);

    public static string Percent(decimal value) =>
        Math.Round(value, 2).ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture) + "%";

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
