using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Shared.Data;

/// <summary>A context whose migrations run at startup, in registration order.</summary>
public sealed record MigrationTarget(Type ContextType, string Name);

public static class ModuleDatabase
{
    /// <summary>
    /// Registers a module's context. One migration set cannot serve both SQLite and MySQL, so each provider has a
    /// small derived context that owns its migrations, while the module injects the base type.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqliteContext, TMySqlContext>(this IServiceCollection services, string name)
        where TContext : DbContext
        where TSqliteContext : TContext
        where TMySqlContext : TContext
    {
        var settings = services.GetDatabaseSettings();
        var historyTable = $"{name}_migrations";
        // The options depend on configuration only: built once, not for every request that asks for a context
        // (per scope they were a fifth of an authenticated read's cost).
        const ServiceLifetime Once = ServiceLifetime.Singleton;
        if (settings.Provider == DatabaseProvider.MySql)
        {
            services.AddDbContext<TMySqlContext>(options => settings.Configure(options, historyTable), optionsLifetime: Once);
            services.AddScoped<TContext>(provider => provider.GetRequiredService<TMySqlContext>());
        }
        else
        {
            services.AddDbContext<TSqliteContext>(options => settings.Configure(options, historyTable), optionsLifetime: Once);
            services.AddScoped<TContext>(provider => provider.GetRequiredService<TSqliteContext>());
        }
        services.AddSingleton(new MigrationTarget(typeof(TContext), name));
        return services;
    }

    public static DatabaseSettings GetDatabaseSettings(this IServiceCollection services) =>
        services.Select(descriptor => descriptor.ImplementationInstance).OfType<DatabaseSettings>().SingleOrDefault()
        ?? throw new InvalidOperationException("AddSharedInfrastructure must be called before a module registers its database.");

    /// <summary>Every module's conventions: UTC times, and prices as decimal(28,10) on both providers.</summary>
    public static void UseModuleConventions(this ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.UseUtcDateTimes();
        configurationBuilder.Properties<decimal>().HavePrecision(28, 10);
    }

    /// <summary>SQLite and MariaDB return DateTime with Kind=Unspecified; every stored time is UTC.</summary>
    public static void UseUtcDateTimes(this ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        value => value.HasValue ? value.Value.ToUniversalTime() : value,
        value => value.HasValue ? DateTime.SpecifyKind(value.Value, DateTimeKind.Utc) : value);
}

/// <summary>Lets `dotnet ef` build a provider's context without a live server or the host.</summary>
public abstract class DesignTimeContextFactory<TContext>(DatabaseProvider provider) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        if (provider == DatabaseProvider.MySql)
        {
            builder.UseMySql("Server=localhost;Database=design", ServerVersion.Parse("10.11.0-mariadb"));
        }
        else
        {
            builder.UseSqlite("Data Source=design.db");
        }
        return (TContext)Activator.CreateInstance(typeof(TContext), builder.Options)!;
    }
}
