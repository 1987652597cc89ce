using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Modules.Prices;

/// <summary>
/// Which providers run and how often, decided from configuration before the container is built (each one becomes
/// a recurring job). A provider with a monthly quota is never polled faster than the quota allows.
/// </summary>
internal static class ProviderConfiguration
{
    private static readonly TimeSpan Month = TimeSpan.FromDays(31);

    private static readonly string[] Providers = [EnabledProviders.Simulated, EnabledProviders.Fixer, EnabledProviders.CurrencyLayer, EnabledProviders.Finnhub];

    public static string SectionFor(string provider) => $"Prices:Providers:{provider}";

    public static EnabledProviders Resolve(IConfiguration configuration)
    {
        var intervals = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var notes = new List<string>();
        foreach (var provider in Providers)
        {
            var settings = ProviderRegistration.Read(configuration, provider);
            if (!settings.Enabled)
            {
                continue;
            }
            if (provider != EnabledProviders.Simulated && string.IsNullOrWhiteSpace(settings.ApiKey))
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(SectionFor(provider), typeof(EnabledProviders),
                    [$"Setting '{SectionFor(provider)}:ApiKey' (environment variable Prices__Providers__{provider}__ApiKey) is required when {provider} is enabled."]);
            }
            var interval = TimeSpan.FromSeconds(settings.IntervalSeconds);
            if (interval < TimeSpan.FromSeconds(1))
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(SectionFor(provider), typeof(EnabledProviders),
                    [$"Setting '{SectionFor(provider)}:IntervalSeconds' must be at least 1."]);
            }
            var quota = settings.MonthlyQuota;
            if (quota is > 0 && Month / quota.Value > interval)
            {
                var spread = Month / quota.Value;
                notes.Add($"{provider}: configured every {Span(interval)}, but a quota of {quota} requests a month allows one every {Span(spread)}: polling every {Span(spread)} (raise Prices:Providers:{provider}:MonthlyQuota for a paid plan)");
                interval = TimeSpan.FromSeconds(Math.Ceiling(spread.TotalSeconds));
            }
            intervals[provider] = interval;
        }
        return new EnabledProviders(intervals) { Notes = notes };
    }

    /// <summary>A span as people say it: "2 s", "4.5 min", "7.4 h" (never "0 h" for seconds).</summary>
    public static string Span(TimeSpan span) => span.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s")
        : span.TotalHours < 2
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h");

    public static Task LogNotesAsync(IServiceProvider services, EnabledProviders enabled)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PricesModule));
        foreach (var note in enabled.Notes)
        {
            logger.LogWarning("Prices: {Note}", note);
        }
        if (!enabled.IsEnabled(EnabledProviders.Fixer) && !enabled.IsEnabled(EnabledProviders.CurrencyLayer) && !enabled.IsEnabled(EnabledProviders.Finnhub))
        {
            logger.LogInformation("Prices: no provider key configured; every instrument follows the simulated feed");
        }
        return Task.CompletedTask;
    }

}
