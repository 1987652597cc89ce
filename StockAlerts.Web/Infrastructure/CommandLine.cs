using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Web.Identity;

namespace StockAlerts.Web.Infrastructure;

/// <summary>One-shot commands that use the same configuration as the service, then exit.</summary>
internal static class CommandLine
{
    private const string Usage = """
        Usage:
          StockAlerts.Web                         run the service
          StockAlerts.Web users make-admin EMAIL  give a registered user the admin role
          StockAlerts.Web users reset-password EMAIL
                                                  set a new random password, print it, sign the user out everywhere
          StockAlerts.Web jobs list               list the scheduled jobs
          StockAlerts.Web jobs run JOB_ID         run one job once (for cron or a serverless scheduler)
          StockAlerts.Web health                  exit 0 when the running service answers /health/live (container health check)
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var jobs = app.Services.GetRequiredService<JobRunner>();
        try
        {
            switch (args)
            {
                case ["users", "make-admin", var email]:
                    await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(stopping, schemaOnly: true);
                    Console.WriteLine(await UsersSetup.MakeAdminAsync(app.Services, email));
                    return 0;
                case ["users", "reset-password", var email]:
                    await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(stopping, schemaOnly: true);
                    Console.WriteLine(await UsersSetup.ResetPasswordAsync(app.Services, email, stopping));
                    return 0;
                case ["jobs", "list"]:
                    foreach (var job in jobs.Jobs)
                    {
                        Console.WriteLine($"{job.Id}\tevery {job.Interval}");
                    }
                    return 0;
                case ["jobs", "run", var jobId] when jobs.Find(jobId) is { NeedsSharedStore: true } && !app.Configuration.HasRedis():
                    Console.Error.WriteLine($"'{jobId}' cannot run from the command line without Redis: in embedded mode prices live in the running service's memory. "
                        + "Leave Jobs:Schedule on (the default) so the service runs it, or configure ConnectionStrings:Redis for cron mode.");
                    return 1;
                case ["jobs", "run", var jobId] when jobs.Find(jobId) is not null:
                    await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(stopping);
                    await jobs.RunAsync(jobId, stopping);
                    await app.Services.GetRequiredService<ShutdownTasks>().StopAsync(stopping);
                    Console.WriteLine($"{jobId} ran once.");
                    return 0;
                case ["jobs", "run", var jobId]:
                    Console.Error.WriteLine($"Unknown job '{jobId}'. Known jobs: {string.Join(", ", jobs.Jobs.Select(job => job.Id))}");
                    return 2;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (InvalidOperationException exception)
        {
            Console.Error.WriteLine(exception.Message);
            return 1;
        }
    }

    /// <summary>
    /// The container health check, every 30 s: it only asks the running service, so it reads the listening address
    /// from the environment and builds nothing else (no database, no Redis, no logging).
    /// </summary>
    public static bool IsHealthProbe(string[] args) => args is ["health"];

    public static Task<int> ProbeLivenessAsync(string[] args) =>
        ProbeLivenessAsync(new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables().AddCommandLine(args).Build(), CancellationToken.None);

    private static async Task<int> ProbeLivenessAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var url = (configuration["urls"] ?? "http://localhost:8080").Split(';')[0]
            .Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync($"{url.TrimEnd('/')}/health/live", cancellationToken);
            Console.WriteLine($"{url}/health/live: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}/health/live: {exception.Message}");
            return 1;
        }
    }
}
