using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Shared;

public static class SharedInfrastructure
{
    /// <summary>Database settings, the optional Redis connection, the mediator, validators, the clock and telemetry.</summary>
    public static IServiceCollection AddSharedInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DatabaseSettings.FromConfiguration(configuration));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<Jobs.JobRunner>();
        services.AddSingleton(TimeProvider.System);
        services.AddTelemetry();
        services.AddValidatorsFromAssembly(typeof(SharedInfrastructure).Assembly, ServiceLifetime.Scoped,
            result => !typeof(Validation.INestedValidator).IsAssignableFrom(result.ValidatorType), includeInternalTypes: true);
        services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Scoped);

        var redis = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            var redisOptions = ConfigurationOptions.Parse(redis);
            // Start even when Redis is briefly down; the health check reports it until it answers.
            redisOptions.AbortOnConnectFail = false;
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        }
        return services;
    }

    /// <summary>Safe to call more than once: parts of a module that tests build alone call it themselves.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<Telemetry>();
        return services;
    }

    public static bool HasRedis(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));
}
