namespace StockAlerts.Modules.Prices.Providers;

/// <summary>Named options (name = the provider's Name) bound from Prices:Providers:{name}.</summary>
public sealed class ProviderSettings
{
    public const string SectionPrefix = "Prices:Providers";

    /// <summary>When the section does not say, a provider with an ApiKey counts as enabled.</summary>
    public bool Enabled { get; set; }

    /// <summary>Everything before the endpoint name, e.g. http://data.fixer.io/api; tests point it at a local fake.</summary>
    public string BaseUrl { get; set; } = "";

    public string? ApiKey { get; set; }

    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Requests the plan allows a month; null for plans that are only limited per minute.</summary>
    public int? MonthlyQuota { get; set; }

    public int MaxSymbolsPerRun { get; set; } = 50;

    /// <summary>The apilayer host takes the key in an "apikey" header instead of the access_key query parameter.</summary>
    public bool KeyInHeader { get; set; }

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Covers every attempt and the waits between them; must be longer than AttemptTimeout.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>First wait before a retry; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
