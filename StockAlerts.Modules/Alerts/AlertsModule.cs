using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts;

public static class AlertsModule
{
    public static IServiceCollection AddAlertsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<RuleIndex>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlertsModule(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
