using StockAlerts.Modules.Alerts;
using StockAlerts.Modules.Notifications;
using StockAlerts.Modules.Prices;
using StockAlerts.Web.Infrastructure;

if (CommandLine.IsHealthProbe(args))
{
    return await CommandLine.ProbeLivenessAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddHostInfrastructure();
    if (CommandLine.IsCommand(args))
    {
        // A command prints its one result; the service's startup story (migrations, feeds, listening) is noise here.
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);
    }
    builder.Services
        .AddPricesModule(builder.Configuration)
        .AddAlertsModule(builder.Configuration)
        .AddNotificationsModule(builder.Configuration);

    var app = builder.Build();
    app.WarnAboutUnknownSettings();
    await app.WaitForRedisAsync();
    app.EnsureTrustedKeyRing();
    if (CommandLine.IsCommand(args))
    {
        return await CommandLine.RunAsync(app, args);
    }

    await app.MigrateDatabaseAsync();
    app.UseHostInfrastructure();
    app.MapPricesModule();
    app.MapAlertsModule();
    app.MapNotificationsModule();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.IsOperatorError(exception))
{
    Console.Error.WriteLine(StartupFailure.Describe(exception));
    return 1;
}

public partial class Program;
