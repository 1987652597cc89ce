using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Web.Identity;

namespace StockAlerts.Web.Infrastructure;

/// <summary>Hangfire: Redis storage when Redis is configured (one schedule across instances), in-memory otherwise.</summary>
internal static partial class JobsSetup
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        OptionsRegistration.KnowSection("Jobs", typeof(JobsSettings));
        services.AddSingleton<ScheduledJobs>();
        services.AddHangfire((provider, configuration) =>
        {
            configuration
                .UseFilter(new ShortHistory())
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
                configuration.UseRedisStorage(redis, new RedisStorageOptions { Prefix = "stockalerts:hangfire:", Db = redis.GetDatabase().Database });
            }
        });
        // Sub-minute schedules need the scheduler to look more often than its 15 s default.
        services.AddHangfireServer(options => options.SchedulePollingInterval = TimeSpan.FromSeconds(1));
        return services;
    }

    /// <summary>Jobs:Schedule=false leaves scheduling to cron or a serverless scheduler calling `jobs run &lt;id&gt;`.</summary>
    public static IReadOnlyList<Modules.Shared.Jobs.RecurringJob> InProcessJobs(WebApplication app) =>
        app.Configuration.GetValue("Jobs:Schedule", true) ? app.Services.GetRequiredService<JobRunner>().Jobs : [];

    public static void ScheduleRecurringJobs(this WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        var jobs = InProcessJobs(app);
        if (!app.Configuration.GetValue("Jobs:Schedule", true) && !app.Configuration.HasRedis())
        {
            LogCronWithoutRedis(app.Logger, string.Join(", ", app.Services.GetRequiredService<JobRunner>().Jobs.Where(job => job.NeedsSharedStore).Select(job => job.Id)));
        }
        foreach (var job in jobs)
        {
            manager.AddOrUpdate<ScheduledJobs>(
                job.Id,
                scheduled => scheduled.RunAsync(job.Id, CancellationToken.None),
                CronFor(job.Interval),
                new RecurringJobOptions { MisfireHandling = MisfireHandlingMode.Ignorable });
        }

        // A job switched off in configuration leaves its schedule behind in shared storage: remove it.
        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Where(recurring => jobs.All(job => job.Id != recurring.Id)))
        {
            manager.RemoveIfExists(stale.Id);
        }
    }

    private static bool WantsHtml(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sign-in form, returning to the dashboard page asked for, with the status already set.</summary>
    private static Task WriteSignInFormAsync(HttpContext context, string? error)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(SignInPage.Render(context, antiforgery, SignInPage.SafeReturnUrl(context.Request.Path + context.Request.QueryString), email: "", error));
    }

    /// <summary>Rounds up, so a schedule never runs more often than its interval (quotas depend on it).</summary>
    public static string CronFor(TimeSpan interval) => interval.TotalSeconds switch
    {
        < 60 => $"*/{Math.Max(1, (int)Math.Ceiling(interval.TotalSeconds))} * * * * *",
        < 3600 => $"0 */{(int)Math.Ceiling(interval.TotalMinutes)} * * * *",
        < 86_400 => $"0 0 */{(int)Math.Ceiling(interval.TotalHours)} * * *",
        _ => "0 0 0 * * *",
    };

    public static void UseJobsDashboard(this WebApplication app)
    {
        // The dashboard is the one place the admin cookie counts (the API takes bearer tokens only).
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DashboardPath) && context.User.Identity?.IsAuthenticated != true,
            branch => branch.Use(async (context, next) =>
            {
                // The cookie is a session like a device's tokens: signing out, or a password change, ends it at once.
                if (await context.AuthenticateAsync(IdentityConstants.ApplicationScheme) is { Succeeded: true } cookie
                    && Sessions.SessionOf(cookie.Principal) is not null
                    && await Sessions.IsActiveAsync(context.RequestServices, cookie.Principal, context.RequestAborted))
                {
                    context.User = cookie.Principal;
                }
                await next(context);
            }));
        // A browser that is not signed in gets the sign-in form with its 401, so the dashboard opens without hand-made headers.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DashboardPath) && context.User.Identity?.IsAuthenticated != true,
            branch => branch.Run(async context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                if (WantsHtml(context))
                {
                    await WriteSignInFormAsync(context, error: null);
                }
            }));
        // A signed-in browser that is not an admin's is told so, with the way to sign in as one, not a bare 403.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(DashboardPath) && !context.User.IsInRole(CurrentUser.AdminRole) && WantsHtml(context),
            branch => branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return WriteSignInFormAsync(context,
                    $"{context.User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value ?? "This account"} is not an admin. Sign in as an admin to open the jobs dashboard (an operator makes one with: users make-admin EMAIL).");
            }));
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminOnlyFilter()],
            DashboardTitle = "StockAlerts jobs",
            AppPath = "/",
        });
    }

    /// <summary>
    /// The entry Hangfire calls, with the job id only. Runs never overlap: a run that finds the previous one still
    /// going is skipped, not queued; failures are not retried (the next scheduled run is the retry).
    /// </summary>
    internal sealed partial class ScheduledJobs(JobRunner runner, JobStorage storage, ILogger<ScheduledJobs> logger)
    {
        [AutomaticRetry(Attempts = 0)]
        [System.ComponentModel.DisplayName("{0}")]
        public async Task RunAsync(string jobId, CancellationToken cancellationToken)
        {
            IDisposable handle;
            using var connection = storage.GetConnection();
            try
            {
                handle = connection.AcquireDistributedLock($"stockalerts:job:{jobId}", TimeSpan.Zero);
            }
            catch (DistributedLockTimeoutException)
            {
                LogSkipped(jobId);
                return;
            }
            using (handle)
            {
                await runner.RunAsync(jobId, cancellationToken);
            }
        }

        [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} skipped: the previous run is still going")]
        private partial void LogSkipped(string jobId);
    }

    /// <summary>Frequent jobs would otherwise keep a day of succeeded runs (86,400 a day for a 1-second feed).</summary>
    private sealed class ShortHistory : IApplyStateFilter
    {
        public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction) =>
            context.JobExpirationTimeout = TimeSpan.FromMinutes(10);

        public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
        {
        }
    }

    /// <summary>Replaces Hangfire's local-requests-only default: behind a reverse proxy every request looks local.</summary>
    private sealed class AdminOnlyFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.IsInRole(CurrentUser.AdminRole);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jobs:Schedule is false without Redis: {Jobs} can only run inside this service (their prices live in its memory), so no prices will arrive. Leave Jobs:Schedule on, or configure ConnectionStrings:Redis for cron mode")]
    private static partial void LogCronWithoutRedis(ILogger logger, string jobs);

    /// <summary>The Jobs section, read with GetValue where it is needed; here so that a misspelled key is noticed.</summary>
    private sealed class JobsSettings
    {
        public bool Schedule { get; set; } = true;
    }
}
