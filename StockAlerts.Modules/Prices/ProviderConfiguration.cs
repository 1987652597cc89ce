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
                notes.Add($"{provider}: configured every {interval.TotalSeconds:0} s, but a quota of {quota} requests a month allows one every {spread.TotalHours:0.#} h: polling every {spread.TotalHours:0.#} h (raise Prices:Providers:{provider}:MonthlyQuota for a paid plan)");
                interval = TimeSpan.FromSeconds(Math.Ceiling(spread.TotalSeconds));
            }
            intervals[provider] = interval;
        }
        return new EnabledProviders(intervals) { Notes = notes };
    }

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
