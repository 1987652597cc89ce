using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace StockAlerts.Modules.Prices.Providers;

internal static class ProviderRegistration
{
    private const int MaxRetryAttempts = 2;
    private static readonly TimeSpan CircuitSamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Binds Prices:Providers:{fixer|currencylayer|finnhub} as named ProviderSettings for all three, and registers an
    /// IPriceProvider (a typed HttpClient with the standard resilience handler) for each enabled one.
    /// </summary>
    public static IServiceCollection AddHttpPriceProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ProviderSettings>(EnabledProviders.Simulated)
            .Configure(settings => ApplyDefaults(EnabledProviders.Simulated, settings))
            .Bind(configuration.GetSection($"{ProviderSettings.SectionPrefix}:{EnabledProviders.Simulated}"))
            .PostConfigure(bound => bound.Enabled = IsEnabled(configuration, EnabledProviders.Simulated));
        Add<FixerProvider>(services, configuration, FixerProvider.ProviderName);
        Add<CurrencyLayerProvider>(services, configuration, CurrencyLayerProvider.ProviderName);
        Add<FinnhubProvider>(services, configuration, FinnhubProvider.ProviderName);
        return services;
    }

    /// <summary>A provider's settings as configured, over its defaults; for decisions made before the container exists.</summary>
    public static ProviderSettings Read(IConfiguration configuration, string name)
    {
        var settings = new ProviderSettings();
        ApplyDefaults(name, settings);
        configuration.GetSection($"{ProviderSettings.SectionPrefix}:{name}").Bind(settings);
        settings.Enabled = IsEnabled(configuration, name);
        return settings;
    }

    private static void ApplyDefaults(string name, ProviderSettings settings)
    {
        switch (name)
        {
            case EnabledProviders.Simulated:
                settings.IntervalSeconds = 1;
                settings.MaxSymbolsPerRun = 0;
                break;
            case EnabledProviders.Fixer:
                settings.BaseUrl = FixerProvider.DefaultBaseUrl;
                settings.MonthlyQuota = 100;
                settings.IntervalSeconds = 8 * 3600;
                settings.MaxSymbolsPerRun = 100;
                break;
            case EnabledProviders.CurrencyLayer:
                settings.BaseUrl = CurrencyLayerProvider.DefaultBaseUrl;
                settings.MonthlyQuota = 100;
                settings.IntervalSeconds = 8 * 3600;
                settings.MaxSymbolsPerRun = 100;
                break;
            case EnabledProviders.Finnhub:
                settings.BaseUrl = FinnhubProvider.DefaultBaseUrl;
                // 12 symbols every 15 s is 48 calls a minute, under the free tier's 60.
                settings.IntervalSeconds = 15;
                settings.MaxSymbolsPerRun = 12;
                break;
        }
    }

    /// <summary>An explicit Enabled wins; without one, a provider is enabled when it has an ApiKey (the simulated feed: always).</summary>
    public static bool IsEnabled(IConfiguration configuration, string name)
    {
        var section = configuration.GetSection($"{ProviderSettings.SectionPrefix}:{name}");
        return section.GetValue<bool?>(nameof(ProviderSettings.Enabled))
            ?? (name == EnabledProviders.Simulated || !string.IsNullOrWhiteSpace(section[nameof(ProviderSettings.ApiKey)]));
    }

    private static void Add<TProvider>(IServiceCollection services, IConfiguration configuration, string name)
        where TProvider : class, IPriceProvider
    {
        var section = configuration.GetSection($"{ProviderSettings.SectionPrefix}:{name}");
        var enabled = IsEnabled(configuration, name);
        services.AddOptions<ProviderSettings>(name)
            .Configure(settings => ApplyDefaults(name, settings))
            .Bind(section)
            .PostConfigure(bound => bound.Enabled = enabled);
        if (!enabled)
        {
            return;
        }

        // The resilience pipeline is built once per client, so its timeouts are read from configuration here.
        var resilienceSettings = Read(configuration, name);
        services.AddHttpClient<TProvider>()
            .RedactLoggedHeaders(["apikey", "X-Finnhub-Token"])
            .AddStandardResilienceHandler(options => ConfigureResilience(options, resilienceSettings));
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
}
