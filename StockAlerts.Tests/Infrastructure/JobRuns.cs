using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Shared.Jobs;

namespace StockAlerts.Tests.Infrastructure;

internal static class JobRuns
{
    /// <summary>
    /// Runs a job as the scheduler would, then waits until what its prices made the rules do is stored: the service
    /// judges a price batch at once and stores its firings and states right behind it, on the alerts' writer.
    /// </summary>
    public static async Task RunAndStoreAsync(this IServiceProvider services, string job)
    {
        await services.GetRequiredService<JobRunner>().RunAsync(job, CancellationToken.None);
        await services.GetRequiredService<OutcomeWriter>().FlushAsync(CancellationToken.None);
    }
}
