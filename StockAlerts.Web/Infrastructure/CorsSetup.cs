using FluentValidation;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class CorsOriginsOptions
{
    public const string Section = "Cors";

    /// <summary>Origins of web apps allowed to call the API and the hubs from a browser; empty leaves CORS off.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

internal sealed class CorsOriginsOptionsValidator : AbstractValidator<CorsOriginsOptions>
{
    public CorsOriginsOptionsValidator()
    {
        RuleForEach(options => options.AllowedOrigins).Must(BeAnOrigin)
            .WithMessage("'{PropertyValue}' is not an origin: give scheme, host and port only, e.g. Cors__AllowedOrigins__0=https://app.example.com (no path, no *).");
    }

    private static bool BeAnOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
        && !origin.Contains('*');
}

/// <summary>CORS for browser clients on other origins: the API without credentials, the hubs with them.</summary>
internal static class CorsSetup
{
    private const string ApiPolicy = "api";
    private const string HubsPolicy = "hubs";

    public static IServiceCollection AddWebClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CorsOriginsOptions, CorsOriginsOptionsValidator>(CorsOriginsOptions.Section);
        var origins = configuration.GetValidatedOptions<CorsOriginsOptions, CorsOriginsOptionsValidator>(CorsOriginsOptions.Section)
            .AllowedOrigins.Select(origin => origin.TrimEnd('/')).ToArray();
        services.AddCors(options =>
        {
            // The API takes bearer tokens, never cookies, so it needs no credentials; 429's Retry-After must be readable.
            options.AddPolicy(ApiPolicy, policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                .WithExposedHeaders("Retry-After", "Location").SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
            // The SignalR JavaScript client sends negotiate and long-polling requests withCredentials; browsers then insist on this.
            options.AddPolicy(HubsPolicy, policy => policy.WithOrigins(origins).AllowAnyHeader().WithMethods("GET", "POST", "DELETE")
                .AllowCredentials().SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
        });
        return services;
    }

    public static void UseWebClients(this WebApplication app)
    {
        if (app.Configuration.GetValidatedOptions<CorsOriginsOptions, CorsOriginsOptionsValidator>(CorsOriginsOptions.Section).AllowedOrigins.Count == 0)
        {
            return;
        }
        app.UseWhen(context => context.Request.Path.StartsWithSegments(HubRoutes.Prefix), hubs => hubs.UseCors(HubsPolicy));
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(HubRoutes.Prefix), api => api.UseCors(ApiPolicy));
    }
}
