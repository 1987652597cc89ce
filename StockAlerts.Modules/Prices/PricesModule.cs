using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.GetPrices;
using StockAlerts.Modules.Prices.History;
using StockAlerts.Modules.Prices.ListInstruments;
using StockAlerts.Modules.Prices.ManageInstruments;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;
using StockAlerts.Modules.Prices.StreamPrices;
using StockAlerts.Modules.Prices.Watchlist;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Prices;

public static class PricesModule
{
    public static IServiceCollection AddPricesModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new HubDescription("prices", HubRoutes.For("prices"), typeof(PricesHub), typeof(IPricesClient),
            "Live prices of the symbols a connection subscribes to."));
        services.AddModuleDbContext<PricesDbContext, PricesSqliteDbContext, PricesMySqlDbContext>("prices");
        services.AddValidatedOptions<PricesOptions, PricesOptionsValidator>(PricesOptions.Section);
        services.AddOptions<SimulatedFeedOptions>().Bind(configuration.GetSection(ProviderConfiguration.SectionFor(EnabledProviders.Simulated)));
        services.AddHttpPriceProviders(configuration);

        var enabled = ProviderConfiguration.Resolve(configuration);
        services.AddSingleton(enabled);
        services.AddSingleton<PricesMetrics>();
        services.AddSingleton<InstrumentCatalog>();
        services.AddSingleton<Staleness>();
        services.AddSingleton<LatestQuotes>();
        services.AddSingleton<KeptQuotes>();
        services.AddSingleton<LiveSubscriptions>();
        services.AddSingleton<PriceConnections>();
        PriceConnections.Track(services);
        services.AddSingleton<BarRecorder>();
        services.AddSingleton<PriceStreamer>();
        services.AddHostedService(provider => provider.GetRequiredService<PriceStreamer>());
        services.AddSingleton(new ShutdownTask("writing the history bars still in memory",
            (provider, cancellationToken) => provider.GetRequiredService<BarRecorder>().FlushAsync(cancellationToken)));
        services.AddSingleton<PriceBatchRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<PriceBatchRelay>());
        services.AddValidatedOptions<FinnhubStreamOptions, FinnhubStreamOptionsValidator>(FinnhubStreamOptions.Section);
        services.AddSingleton<FinnhubStreamProtocol>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<PriceStream>(provider, provider.GetRequiredService<FinnhubStreamProtocol>()));
        services.AddHostedService(provider => provider.GetRequiredService<PriceStream>());
        services.AddSingleton<SimulatedProvider>();
        if (enabled.IsEnabled(EnabledProviders.Simulated))
        {
            services.AddTransient<IPriceProvider>(provider => provider.GetRequiredService<SimulatedProvider>());
        }
        services.AddSingleton<IQuoteStore>(provider => provider.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisQuoteStore(redis)
            : new MemoryQuoteStore());
        services.AddScoped<QuoteIngestor>();
        services.AddScoped<PollPricesJob>();
        services.AddScoped<StaleCheckJob>();
        services.AddScoped<PruneHistoryJob>();

        foreach (var (provider, interval) in enabled.Intervals)
        {
            services.AddSingleton(new RecurringJob(PollPricesJob.JobId(provider), interval,
                (scope, cancellationToken) => scope.GetRequiredService<PollPricesJob>().RunAsync(provider, cancellationToken), NeedsSharedStore: true));
        }
        services.AddSingleton(new RecurringJob(StaleCheckJob.JobId, TimeSpan.FromSeconds(5),
            (scope, cancellationToken) => scope.GetRequiredService<StaleCheckJob>().RunAsync(cancellationToken), NeedsSharedStore: true));
        services.AddSingleton(new RecurringJob(PruneHistoryJob.JobId, TimeSpan.FromHours(12),
            (scope, cancellationToken) => scope.GetRequiredService<PruneHistoryJob>().RunAsync(cancellationToken)));
        services.AddSingleton(new StartupTask("price feeds: " + string.Join(", ", enabled.Intervals.Select(entry => $"{entry.Key} every {entry.Value.TotalSeconds:0} s")),
            (scope, _) => ProviderConfiguration.LogNotesAsync(scope, enabled)));
        services.AddSingleton(new StartupTask("seeding the instrument catalog",
            (scope, cancellationToken) => InstrumentSeeder.SeedAsync(scope.GetRequiredService<PricesDbContext>(), scope.GetRequiredService<TimeProvider>(), cancellationToken)));
        services.AddHealthChecks().AddCheck<PriceFeedsHealthCheck>("prices", tags: [HealthTags.Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapPricesModule(this IEndpointRouteBuilder endpoints)
    {
        var prices = endpoints.MapGroup("/api/prices").RequireAuthorization().WithTags("Prices").AddEndpointFilter<ValidationFilter>();
        prices.MapGetQuotes();
        prices.MapGetQuote();
        prices.MapGetHistory();

        var instruments = endpoints.MapGroup("/api/instruments").RequireAuthorization().WithTags("Instruments").AddEndpointFilter<ValidationFilter>();
        instruments.MapListInstruments();
        instruments.MapAddInstrument();
        instruments.MapUpdateInstrument();

        endpoints.MapGroup("/api/watchlist").RequireAuthorization().WithTags("Watchlist").AddEndpointFilter<ValidationFilter>().MapWatchlist();

        endpoints.MapHub<PricesHub>(HubRoutes.For("prices")).RequireAuthorization();
        return endpoints;
    }
}
