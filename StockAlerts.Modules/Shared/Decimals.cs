namespace StockAlerts.Modules.Shared;

public static class Decimals
{
    /// <summary>Drops trailing zeros that a database column's scale adds (110.0000000000 → 110).</summary>
    public static decimal Normalize(this decimal value) => value / 1.000000000000000000000000000000000m;

    public static decimal? Normalize(this decimal? value) => value?.Normalize();
}
