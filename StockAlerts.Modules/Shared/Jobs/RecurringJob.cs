namespace StockAlerts.Modules.Shared.Jobs;

/// <summary>
/// A job a module runs on a schedule. The host schedules it in Hangfire by id; `jobs run &lt;id&gt;` runs it once
/// from the command line so that cron or a serverless scheduler can drive it instead.
/// </summary>
public sealed record RecurringJob(string Id, TimeSpan Interval, Func<IServiceProvider, CancellationToken, Task> RunAsync);
