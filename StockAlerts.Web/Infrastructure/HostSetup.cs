using FluentValidation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Web.Identity;
using StockAlerts.Web.WebApp;

namespace StockAlerts.Web.Infrastructure;

internal static class HostSetup
{
    /// <summary>The host's infrastructure: errors, auth, OpenAPI, health, telemetry, SignalR, keys and jobs.</summary>
    public static WebApplicationBuilder AddHostInfrastructure(this WebApplicationBuilder builder)
    {
        builder.UseTopLevelSettings();
        ProductionSecrets.EnsureNoExampleValues(builder.Configuration, builder.Environment);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var services = builder.Services;
        services.AddSharedInfrastructure(builder.Configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<UnexpectedExceptionHandler>();
        services.AddValidatorsFromAssemblyContaining<UnexpectedExceptionHandler>(ServiceLifetime.Scoped, includeInternalTypes: true);
        services.AddUsers();
        services.AddApiDocumentation();
        services.AddHealth(builder.Configuration);
        services.AddTelemetryExport(builder.Configuration);
        services.AddRealtime(builder.Configuration);
        services.AddKeys(builder.Configuration);
        services.AddJobs();
        services.AddAntiforgery();
        services.AddRateLimits(builder.Configuration);
        services.AddProxyAndHttps(builder.Configuration);
        services.AddWebClients(builder.Configuration);
        services.AddRequestBodyLimit();
        services.AddWebApp();
        services.AddSingleton<ShutdownTasks>();
        services.AddHostedService(provider => provider.GetRequiredService<ShutdownTasks>());
        return builder;
    }

    public static void UseHostInfrastructure(this WebApplication app)
    {
        app.UseProxyAndHttps();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebApp();
        app.UseWebClients(); // before the body limit, so a browser can read its 413
        app.UseRequestBodyLimit();
        app.UseAuthentication();
        app.UseActiveSessions();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseJobsDashboard();
        app.MapApiDocumentation();
        app.MapHealth();
        app.MapTelemetry();
        app.MapUsers();
        app.ScheduleRecurringJobs();
        app.Lifetime.ApplicationStarted.Register(() => LogWhereToLook(app));
    }

    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);

    /// <summary>
    /// appsettings.json sits at the top of the repository and is copied next to the binaries; read it from there,
    /// at the place of the default appsettings source, so environment variables still override it.
    /// </summary>
    private static void UseTopLevelSettings(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindIndex(source => source is JsonConfigurationSource { Path: "appsettings.json" });
        var topLevel = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        };
        sources.Insert(index < 0 ? 0 : index, topLevel);
    }

    private static void LogWhereToLook(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        var jobs = JobsSetup.InProcessJobs(app);
        var database = settings.Provider == DatabaseProvider.Sqlite
            ? $"SQLite file {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(settings.ConnectionString).DataSource}"
            : "MySQL/MariaDB database";
        foreach (var address in addresses)
        {
            app.Logger.LogInformation(
                "StockAlerts is listening on {Address} ({Database}). API reference: {Address}/scalar/v1 · OpenAPI: {Address}/openapi/v1.json · Jobs dashboard (admins): {Address}{Dashboard} · Health: {Address}/health/ready",
                address, database, address, address, address, JobsSetup.DashboardPath, address);
        }
        app.Logger.LogInformation("{Count} recurring job(s) scheduled in process: {Jobs}", jobs.Count, string.Join(", ", jobs.Select(job => job.Id)));
    }
}
