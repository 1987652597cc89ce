using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Shared.Jobs;

/// <summary>Runs a registered job by id, in its own scope; Hangfire stores only the id.</summary>
public sealed class JobRunner(IServiceScopeFactory scopes, IEnumerable<RecurringJob> jobs)
{
    public IReadOnlyList<RecurringJob> Jobs { get; } = jobs.ToList();

    public RecurringJob? Find(string jobId) => Jobs.FirstOrDefault(job => job.Id == jobId);

    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = Find(jobId) ?? throw new InvalidOperationException($"No job '{jobId}' is registered.");
        // Jobs run outside any request: this span is the parent of their queries and HTTP calls.
        using var activity = Telemetry.ActivitySource.StartActivity($"job {jobId}");
        activity?.SetTag("stockalerts.job.id", jobId);
        await using var scope = scopes.CreateAsyncScope();
        await job.RunAsync(scope.ServiceProvider, cancellationToken);
    }
}
