using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Antiforgery;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Web.Identity;

namespace StockAlerts.Web.Infrastructure;

/// <summary>Hangfire: Redis storage when Redis is configured (one schedule across instances), in-memory otherwise.</summary>
internal static class JobsSetup
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddHangfire((provider, configuration) =>
        {
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            var redis = provider.GetService<IConnectionMultiplexer>();
            if (redis is null)
            {
                configuration.UseInMemoryStorage();
            }
            else
            {
                configuration.UseRedisStorage(redis, new RedisStorageOptions { Prefix = "stockalerts:hangfire:" });
            }
        });
        // Sub-minute schedules need the scheduler to look more often than its 15 s default.
        services.AddHangfireServer(options => options.SchedulePollingInterval = TimeSpan.FromSeconds(1));
        return services;
    }

    public static void ScheduleRecurringJobs(this WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        foreach (var job in app.Services.GetRequiredService<JobRunner>().Jobs)
        {
            manager.AddOrUpdate<JobRunner>(
                job.Id,
                runner => runner.RunAsync(job.Id, CancellationToken.None),
                CronFor(job.Interval),
                new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });
        }
    }

    public static string CronFor(TimeSpan interval) => interval.TotalSeconds switch
    {
        < 60 => $"*/{Math.Max(1, (int)interval.TotalSeconds)} * * * * *",
        < 3600 => $"0 */{(int)interval.TotalMinutes} * * * *",
        _ => $"0 0 */{Math.Min(23, (int)interval.TotalHours)} * * *",
    };

    public static void UseJobsDashboard(this WebApplication app)
    {
        // A browser that is not signed in gets the sign-in form with its 401, so the dashboard opens without hand-made headers.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DashboardPath) && context.User.Identity?.IsAuthenticated != true,
            branch => branch.Run(async context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
                {
                    var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(SignInPage.Render(context, antiforgery, context.Request.Path + context.Request.QueryString, error: null));
                }
            }));
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminOnlyFilter()],
            DashboardTitle = "StockAlerts jobs",
            AppPath = "/",
        });
    }

    /// <summary>Replaces Hangfire's local-requests-only default: behind a reverse proxy every request looks local.</summary>
    private sealed class AdminOnlyFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.IsInRole(CurrentUser.AdminRole);
    }
}
