using StockAlerts.Modules.Alerts;
using StockAlerts.Modules.Notifications;
using StockAlerts.Modules.Prices;
using StockAlerts.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddHostInfrastructure();
builder.Services
    .AddPricesModule(builder.Configuration)
    .AddAlertsModule(builder.Configuration)
    .AddNotificationsModule(builder.Configuration);

var app = builder.Build();
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

public partial class Program;
