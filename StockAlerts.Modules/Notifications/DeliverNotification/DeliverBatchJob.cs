using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>
/// The deliveries of a batch of notifications as one Hangfire job: each id is one <see cref="DeliverNotificationJob"/>
/// run (a user's pushes, or one webhook), a few side by side, each in its own scope. A job per user put a round trip
/// to the job store per user on the price batch's path (a burst with 1,000 users: 1,000 of them), and the store's
/// work per job outweighed the delivery's. A batch stays small enough that a burst's jobs spread over instances.
/// </summary>
internal sealed class DeliverBatchJob(IServiceScopeFactory scopes)
{
    /// <summary>Ids per job: a burst of 1,000 users is 10 jobs, which every instance's workers share.</summary>
    public const int BatchSize = 100;

    // Runs of one job at once: each holds a database connection while it sends.
    private const int SideBySide = 8;

    /// <summary>
    /// Runs each delivery; when any failed, throws after the others ran, so Hangfire tries the batch again (a
    /// delivery done is not done twice: its rows are sent, and a run finds nothing left to claim).
    /// </summary>
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid[] notificationIds, CancellationToken cancellationToken)
    {
        var failed = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(notificationIds, new ParallelOptions { MaxDegreeOfParallelism = SideBySide, CancellationToken = cancellationToken }, async (id, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<DeliverNotificationJob>().RunAsync(id, token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failed.Enqueue(exception);
            }
        });
        if (!failed.IsEmpty)
        {
            throw new AggregateException($"{failed.Count} of {notificationIds.Length} deliveries failed; the batch is tried again", failed);
        }
    }
}
