using System.Globalization;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <summary>
/// How an instrument's prices are written in messages: to its usual precision, with its currency ("151.487 JPY",
/// "1.08540 USD", "231.50 USD"). Raw writes a number as computed, for the engine's own records and tests.
/// </summary>
internal sealed record PriceStyle(int? Decimals, string? Currency)
{
    public static readonly PriceStyle Raw = new(null, null);

    /// <summary>Stocks in cents (sub-dollar ones to four places); currency pairs in pips: five places, three for pairs quoted above 20 (yen).</summary>
    public static PriceStyle For(string kind, string currency, decimal price) => kind switch
    {
        "fx" => new PriceStyle(price >= 20 ? 3 : 5, currency),
        _ => new PriceStyle(price < 1 ? 4 : 2, currency),
    };

    public string Price(decimal value) => Amount(value) + Unit;

    /// <summary>A value in price units written to the instrument's precision, without the currency (an average, a band).</summary>
    public string Number(decimal value) => Amount(value);

    public string Signed(decimal value) => (Decimals is null ? NumberText.Signed(value) : (value > 0 ? "+" : "") + Amount(value)) + Unit;

    private string Unit => Currency is { Length: > 0 } currency ? " " + currency : "";

    private string Amount(decimal value) => Decimals is { } decimals
        ? Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
        : NumberText.Price(value);
}
