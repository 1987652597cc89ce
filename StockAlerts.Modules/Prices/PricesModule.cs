using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Prices;

public static class PricesModule
{
    public static IServiceCollection AddPricesModule(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapPricesModule(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
