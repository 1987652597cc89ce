using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Modules.Prices.Providers;

internal static class ProviderRegistration
{
    private const int MaxRetryAttempts = 2;
    private static readonly TimeSpan CircuitSamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Binds named ProviderSettings for every provider (simulated, fixer, currencylayer, finnhub) from
    /// Prices:Providers:{name}, and registers an IPriceProvider (a typed HttpClient with the standard resilience
    /// handler) for each enabled HTTP provider.
    /// </summary>
    public static IServiceCollection AddHttpPriceProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        OptionsRegistration.KnowSection(ProviderSettings.SectionPrefix, typeof(KnownProviders));
        OptionsRegistration.KnowSection($"{ProviderSettings.SectionPrefix}:{EnabledProviders.Simulated}", typeof(ProviderSettings), typeof(SimulatedFeedOptions));
        AddSettings(services, configuration, EnabledProviders.Simulated);
        Add<FixerProvider>(services, configuration, FixerProvider.ProviderName);
        Add<CurrencyLayerProvider>(services, configuration, CurrencyLayerProvider.ProviderName);
        Add<FinnhubProvider>(services, configuration, FinnhubProvider.ProviderName);
        return services;
    }

    /// <summary>A provider's settings as the container will see them: defaults, then configuration, then Enabled resolved.</summary>
    public static ProviderSettings Read(IConfiguration configuration, string name)
    {
        var settings = new ProviderSettings();
        ApplyDefaults(name, settings);
        SectionFor(configuration, name).Bind(settings);
        settings.Enabled = IsEnabled(configuration, name);
        return settings;
    }

    /// <summary>An explicit Enabled wins; without one, an HTTP provider is enabled by an ApiKey and the simulated feed always is.</summary>
    public static bool IsEnabled(IConfiguration configuration, string name)
    {
        var section = SectionFor(configuration, name);
        return section.GetValue<bool?>(nameof(ProviderSettings.Enabled))
            ?? (name == EnabledProviders.Simulated || !string.IsNullOrWhiteSpace(section[nameof(ProviderSettings.ApiKey)]));
    }

    private static IConfigurationSection SectionFor(IConfiguration configuration, string name) =>
        configuration.GetSection($"{ProviderSettings.SectionPrefix}:{name}");

    private static void ApplyDefaults(string name, ProviderSettings settings)
    {
        switch (name)
        {
            case EnabledProviders.Simulated:
                settings.IntervalSeconds = 1;
                settings.MaxSymbolsPerRun = 0;
                break;
            case FixerProvider.ProviderName:
                settings.BaseUrl = FixerProvider.DefaultBaseUrl;
                settings.MonthlyQuota = 100;
                settings.IntervalSeconds = 8 * 3600;
                settings.MaxSymbolsPerRun = 100;
                break;
            case CurrencyLayerProvider.ProviderName:
                settings.BaseUrl = CurrencyLayerProvider.DefaultBaseUrl;
                settings.MonthlyQuota = 100;
                settings.IntervalSeconds = 8 * 3600;
                settings.MaxSymbolsPerRun = 100;
                break;
            case FinnhubProvider.ProviderName:
                settings.BaseUrl = FinnhubProvider.DefaultBaseUrl;
                // 12 symbols every 15 s is 48 calls a minute, under the free tier's 60.
                settings.IntervalSeconds = 15;
                settings.MaxSymbolsPerRun = 12;
                break;
        }
    }

    private static bool AddSettings(IServiceCollection services, IConfiguration configuration, string name)
    {
        var enabled = IsEnabled(configuration, name);
        services.AddOptions<ProviderSettings>(name)
            .Configure(settings => ApplyDefaults(name, settings))
            .Bind(SectionFor(configuration, name))
            .PostConfigure(settings => settings.Enabled = enabled);
        return enabled;
    }

    private static void Add<TProvider>(IServiceCollection services, IConfiguration configuration, string name)
        where TProvider : class, IPriceProvider
    {
        if (!AddSettings(services, configuration, name))
        {
            return;
        }
        // The resilience pipeline is built once per client, so its timeouts are read from configuration here.
        var settings = Read(configuration, name);
        services.AddHttpClient<TProvider>()
            .RedactLoggedHeaders(["apikey", "X-Finnhub-Token"])
            .AddStandardResilienceHandler(options => ConfigureResilience(options, settings));
        // Typed clients are transient (each gets a fresh HttpClient from the factory), so the interface must be too.
        services.AddTransient<IPriceProvider>(serviceProvider => serviceProvider.GetRequiredService<TProvider>());
    }

    private static void ConfigureResilience(HttpStandardResilienceOptions options, ProviderSettings settings)
    {
        options.AttemptTimeout.Timeout = settings.AttemptTimeout;
        options.TotalRequestTimeout.Timeout = settings.TotalTimeout;
        options.Retry.MaxRetryAttempts = MaxRetryAttempts;
        options.Retry.Delay = settings.RetryDelay;
        // A 429 goes straight back to the provider: waiting out Retry-After here would only run into the total
        // timeout, and the poller pauses the provider for RetryAfter anyway.
        options.Retry.ShouldRetryAfterHeader = false;
        options.Retry.ShouldHandle = arguments => ValueTask.FromResult(
            arguments.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests && HttpClientResiliencePredicates.IsTransient(arguments.Outcome));
        // The handler refuses a sampling duration shorter than twice the attempt timeout.
        options.CircuitBreaker.SamplingDuration = settings.AttemptTimeout * 2 > CircuitSamplingDuration ? settings.AttemptTimeout * 2 : CircuitSamplingDuration;
    }

    /// <summary>The providers there are, so that a misspelled one (Prices:Providers:finhub) is noticed.</summary>
    private sealed class KnownProviders
    {
        public ProviderSettings? Simulated { get; set; }

        public ProviderSettings? Fixer { get; set; }

        public ProviderSettings? CurrencyLayer { get; set; }

        public ProviderSettings? Finnhub { get; set; }
    }
}
