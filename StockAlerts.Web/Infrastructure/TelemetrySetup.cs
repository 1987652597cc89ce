using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Web.Infrastructure;

internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>An OTLP collector; metrics, traces and logs go there. OTEL_EXPORTER_OTLP_ENDPOINT works as well.</summary>
    public string? OtlpEndpoint { get; set; }

    public string OtlpProtocol { get; set; } = Grpc;

    /// <summary>Serves /metrics in the Prometheus format, to admins and to holders of the scrape token.</summary>
    public bool Prometheus { get; set; }

    /// <summary>Scrapers cannot sign in, so they send this as a bearer token instead.</summary>
    public string? ScrapeToken { get; set; }
}

internal sealed class TelemetryOptionsValidator : AbstractValidator<TelemetryOptions>
{
    public const int MinimumScrapeTokenLength = 24;

    public TelemetryOptionsValidator()
    {
        RuleFor(options => options.OtlpEndpoint)
            .Must(BeAnHttpUrl)
            .When(options => !string.IsNullOrWhiteSpace(options.OtlpEndpoint))
            .WithMessage("must be the collector's absolute http(s) URL, e.g. 'http://otel-collector:4317' (gRPC) or 'http://otel-collector:4318' with Telemetry:OtlpProtocol 'http/protobuf'.");
        RuleFor(options => options.OtlpProtocol)
            .Must(protocol => protocol is TelemetryOptions.Grpc or TelemetryOptions.HttpProtobuf)
            .WithMessage($"must be '{TelemetryOptions.Grpc}' (port 4317) or '{TelemetryOptions.HttpProtobuf}' (port 4318).");
        RuleFor(options => options.ScrapeToken)
            .Must(token => token!.Length >= MinimumScrapeTokenLength && !token.Any(char.IsWhiteSpace))
            .When(options => !string.IsNullOrEmpty(options.ScrapeToken))
            .WithMessage($"must be a random secret of at least {MinimumScrapeTokenLength} characters without spaces (e.g. from 'openssl rand -hex 32'): it alone opens /metrics.");
        RuleFor(options => options.ScrapeToken)
            .Empty()
            .When(options => !options.Prometheus)
            .WithMessage("is set but Telemetry:Prometheus is false, so there is no /metrics to scrape; set Telemetry__Prometheus=true or remove the token.");
    }

    private static bool BeAnHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

/// <summary>
/// Exports what the modules record on the "StockAlerts" meter and activity source, plus ASP.NET Core, HttpClient, EF Core,
/// Redis and runtime telemetry: to an OTLP collector when one is configured, as a Prometheus /metrics endpoint when
/// asked for. With neither, no OpenTelemetry SDK is started at all and the instruments cost next to nothing.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";
    public const string MetricsPolicy = "metrics";
    private const string StandardOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string StandardServiceName = "OTEL_SERVICE_NAME";

    public static IServiceCollection AddTelemetryExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        var options = configuration.GetValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        services.AddSingleton<IAuthorizationHandler, ScrapeAuthorizationHandler>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, policy => policy.AddRequirements(new ScrapeRequirement()));

        var otlp = !string.IsNullOrWhiteSpace(options.OtlpEndpoint) || !string.IsNullOrWhiteSpace(configuration[StandardOtlpEndpoint]);
        if (!otlp && !options.Prometheus)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration[StandardServiceName] ?? "stockalerts"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (!otlp)
        {
            return services;
        }

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(Telemetry.Name)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation();
            if (configuration.HasRedis())
            {
                tracing.AddRedisInstrumentation();
            }
        });
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            // The standard OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, headers) are read by the exporter itself.
            telemetry.UseOtlpExporter();
        }
        else
        {
            var protocol = options.OtlpProtocol == TelemetryOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            telemetry.UseOtlpExporter(protocol, new Uri(options.OtlpEndpoint));
        }
        return services;
    }

    public static void MapTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (options.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsPolicy);
        }
        var otlp = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? app.Configuration[StandardOtlpEndpoint] : options.OtlpEndpoint;
        // Scheme, host and port only: a collector URL may carry credentials.
        var collector = Uri.TryCreate(otlp, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "off";
        var prometheus = !options.Prometheus ? "off"
            : string.IsNullOrEmpty(options.ScrapeToken) ? $"{MetricsPath} (admins)" : $"{MetricsPath} (admins and the scrape token)";
        app.Logger.LogInformation("Telemetry: OTLP export {Collector}; Prometheus {Prometheus}", collector, prometheus);
    }

    /// <summary>Health probes and scrapes come every few seconds and say nothing about the service's work.</summary>
    private static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);

    private sealed class ScrapeRequirement : IAuthorizationRequirement;

    /// <summary>Admins (the same role as the admin policy), or a request carrying the configured scrape token.</summary>
    private sealed class ScrapeAuthorizationHandler(IOptionsMonitor<TelemetryOptions> options) : AuthorizationHandler<ScrapeRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScrapeRequirement requirement)
        {
            if (context.User.IsInRole(CurrentUser.AdminRole) || HasScrapeToken(context.Resource as HttpContext))
            {
                context.Succeed(requirement);
            }
            return Task.CompletedTask;
        }

        private bool HasScrapeToken(HttpContext? httpContext)
        {
            var expected = options.CurrentValue.ScrapeToken;
            var header = httpContext?.Request.Headers[HeaderNames.Authorization].ToString();
            if (string.IsNullOrEmpty(expected) || header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(expected));
        }
    }
}
