namespace StockAlerts.Modules.Shared.Jobs;

/// <summary>
/// A job a module runs on a schedule. The host schedules it in Hangfire by id; `jobs run &lt;id&gt;` runs it once
/// from the command line so that cron or a serverless scheduler can drive it instead. NeedsSharedStore marks a job
/// whose results live in the price store: without Redis that store is the running service's memory, which a job run
/// from another process cannot reach.
/// </summary>
public sealed record RecurringJob(string Id, TimeSpan Interval, Func<IServiceProvider, CancellationToken, Task> RunAsync, bool NeedsSharedStore = false);
