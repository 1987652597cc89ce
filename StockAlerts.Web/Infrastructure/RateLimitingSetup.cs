using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests a minute per signed-in user, across the API.</summary>
    public int PerUserPerMinute { get; set; } = 600;

    /// <summary>Requests a minute per client address for callers without a token.</summary>
    public int PerAddressPerMinute { get; set; } = 300;

    /// <summary>Register, login, refresh and the sign-in form, per client address: they are what attackers try.</summary>
    public int AuthPerMinute { get; set; } = 20;
}

internal sealed class RateLimitOptionsValidator : AbstractValidator<RateLimitOptions>
{
    public RateLimitOptionsValidator()
    {
        RuleFor(options => options.PerUserPerMinute).InclusiveBetween(1, 1_000_000);
        RuleFor(options => options.PerAddressPerMinute).InclusiveBetween(1, 1_000_000);
        RuleFor(options => options.AuthPerMinute).InclusiveBetween(1, 1_000_000);
    }
}

/// <summary>Per-user and per-address limits, stricter on authentication; a refused request gets 429 with Retry-After.</summary>
internal static class RateLimitingSetup
{
    public const string AuthPolicy = "auth";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        var limits = configuration.GetValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("health");
                }
                var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
                return user is not null
                    ? Window($"user:{user}", limits.PerUserPerMinute)
                    : Window($"address:{AddressOf(context)}", limits.PerAddressPerMinute);
            });
            options.AddPolicy(AuthPolicy, context => Window($"auth:{AddressOf(context)}", limits.AuthPerMinute));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Slow down: try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.",
                    },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Window(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
