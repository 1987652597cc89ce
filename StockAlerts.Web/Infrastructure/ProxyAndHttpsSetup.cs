using System.Net;
using FluentValidation;
using Microsoft.AspNetCore.HttpOverrides;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class HttpsOptions
{
    public const string Section = "Https";

    /// <summary>Redirects plain-HTTP requests (except /health) to HTTPS: for a service that terminates TLS itself.</summary>
    public bool Redirect { get; set; }

    /// <summary>Sends Strict-Transport-Security on HTTPS responses (never for localhost).</summary>
    public bool Hsts { get; set; }

    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>The port redirects point to; when empty, the HTTPS port the server listens on.</summary>
    public int? Port { get; set; }
}

internal sealed class HttpsOptionsValidator : AbstractValidator<HttpsOptions>
{
    public HttpsOptionsValidator()
    {
        RuleFor(options => options.HstsMaxAgeDays).InclusiveBetween(1, 3650);
        RuleFor(options => options.Port).InclusiveBetween(1, 65535).When(options => options.Port is not null);
    }
}

internal sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Believe X-Forwarded-For / X-Forwarded-Proto from the proxies listed below (and only those).</summary>
    public bool Enabled { get; set; }

    public List<string> KnownProxies { get; set; } = [];

    public List<string> KnownNetworks { get; set; } = [];
}

internal sealed class ProxyOptionsValidator : AbstractValidator<ProxyOptions>
{
    public ProxyOptionsValidator()
    {
        RuleFor(options => options.KnownProxies)
            .Must((options, proxies) => proxies.Count > 0 || options.KnownNetworks.Count > 0)
            .When(options => options.Enabled)
            .WithMessage("with forwarded headers enabled, list the proxy: ForwardedHeaders__KnownProxies__0=10.0.0.5 or ForwardedHeaders__KnownNetworks__0=10.0.0.0/8 (anyone else could fake a client address).");
        RuleForEach(options => options.KnownProxies).Must(proxy => IPAddress.TryParse(proxy, out _))
            .WithMessage("'{PropertyValue}' is not an IP address such as 10.0.0.5.");
        RuleForEach(options => options.KnownNetworks).Must(network => System.Net.IPNetwork.TryParse(network, out _))
            .WithMessage("'{PropertyValue}' is not a network in CIDR form such as 10.0.0.0/8.");
    }
}

/// <summary>Behind a reverse proxy: the client's address and scheme from its headers. Without one: HTTPS redirect and HSTS.</summary>
internal static class ProxyAndHttpsSetup
{
    public static IServiceCollection AddProxyAndHttps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HttpsOptions, HttpsOptionsValidator>(HttpsOptions.Section);
        services.AddValidatedOptions<ProxyOptions, ProxyOptionsValidator>(ProxyOptions.Section);
        var https = configuration.GetValidatedOptions<HttpsOptions, HttpsOptionsValidator>(HttpsOptions.Section);
        var proxy = configuration.GetValidatedOptions<ProxyOptions, ProxyOptionsValidator>(ProxyOptions.Section);
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            // X-Forwarded-Host is left out: a forged host would end up in redirects and links.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The listed proxies replace the loopback defaults, so what is trusted is exactly what the settings say.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in proxy.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(address));
            }
            foreach (var network in proxy.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(https.HstsMaxAgeDays));
        services.AddHttpsRedirection(options => options.HttpsPort = https.Port);
        return services;
    }

    /// <summary>First in the pipeline: the rate limiter partitions by the client address this sets.</summary>
    public static void UseProxyAndHttps(this WebApplication app)
    {
        var https = app.Configuration.GetValidatedOptions<HttpsOptions, HttpsOptionsValidator>(HttpsOptions.Section);
        if (app.Configuration.GetValidatedOptions<ProxyOptions, ProxyOptionsValidator>(ProxyOptions.Section).Enabled)
        {
            app.UseForwardedHeaders();
        }
        if (https.Hsts)
        {
            app.UseHsts();
        }
        if (https.Redirect)
        {
            // Load balancers and the container health check probe over plain HTTP.
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
        }
    }
}
