using StockAlerts.Modules.Prices.Data;

namespace StockAlerts.Modules.Prices;

/// <summary>The providers switched on by configuration, with the interval each is polled at.</summary>
internal sealed class EnabledProviders(IReadOnlyDictionary<string, TimeSpan> intervals)
{
    public const string Simulated = "simulated";
    public const string Fixer = "fixer";
    public const string CurrencyLayer = "currencylayer";
    public const string Finnhub = "finnhub";

    public IReadOnlyDictionary<string, TimeSpan> Intervals { get; } = intervals;

    /// <summary>What configuration led to, for the startup log (e.g. a quota that slows polling down).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public bool IsEnabled(string provider) => Intervals.ContainsKey(provider);

    public TimeSpan IntervalOf(string provider) => Intervals.TryGetValue(provider, out var interval) ? interval : TimeSpan.FromMinutes(1);

    /// <summary>An instrument's own provider when set, else a real provider for its kind when one is configured, else the simulated feed.</summary>
    public string? Resolve(Instrument instrument)
    {
        if (instrument.Provider is { } chosen)
        {
            return IsEnabled(chosen) ? chosen : null;
        }
        string[] preference = instrument.Kind == InstrumentKind.Stock ? [Finnhub, Simulated] : [Fixer, CurrencyLayer, Simulated];
        return preference.FirstOrDefault(IsEnabled);
    }
}
