namespace StockAlerts.Modules.Prices.Providers;

/// <summary>Bound from Prices:Providers:simulated, beside the common provider settings.</summary>
public sealed class SimulatedFeedOptions
{
    /// <summary>Same seed, same prices: runs and tests are reproducible.</summary>
    public int Seed { get; set; } = 20261125;

    /// <summary>Annualised volatility, as a fraction, of stocks (0.30 = 30%) and of FX pairs.</summary>
    public double StockVolatility { get; set; } = 0.30;

    public double FxVolatility { get; set; } = 0.08;
}
