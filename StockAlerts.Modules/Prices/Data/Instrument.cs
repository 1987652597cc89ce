namespace StockAlerts.Modules.Prices.Data;

internal enum InstrumentKind
{
    Stock,
    Fx,
}

internal sealed class Instrument
{
    public int Id { get; set; }

    public required string Symbol { get; set; }

    public InstrumentKind Kind { get; set; }

    /// <summary>Null means the default provider for the kind (a real one when its key is configured, else simulated).</summary>
    public string? Provider { get; set; }

    public required string Currency { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>Where the simulated feed starts when it has no stored price.</summary>
    public decimal ReferencePrice { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTime CreatedAt { get; set; }
}
