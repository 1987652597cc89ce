using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Stores what the index judged (a price batch, the clock, a stale feed, a catch-up) in the order it was judged, on a
/// loop of its own: the index goes on to the next price batch while the database commits the last one. Outcomes that
/// wait when the loop comes round are stored as one (one transaction for their firings, one publication), so under a
/// backlog the cost of a commit is shared by many batches instead of paid by each. A group takes state changes only
/// from its first outcome: a state change is saved onto the stored version it was computed from, which a firing
/// earlier in the same group would move on. The cluster's mark moves only once the firings before it are stored.
/// </summary>
internal sealed partial class OutcomeWriter(
    IServiceScopeFactory scopes, PendingFirings pending, ClusterMembership membership, AlertsMetrics metrics, TimeProvider time, ILogger<OutcomeWriter> logger) : BackgroundService
{
    // Outcomes waiting beyond this many make whoever judges wait (the feed slows down rather than memory grows).
    private const int Backlog = 256;

    // Firings per group: a larger group shares its commit more widely but holds its rules' rows locked longer.
    private const int GroupFirings = 2_000;

    private readonly Channel<Outcome> queue = Channel.CreateBounded<Outcome>(new BoundedChannelOptions(Backlog) { SingleReader = true });

    // Judging and queueing in one step, so outcomes are queued in the order the index produced them (two feeds and
    // the clock judge side by side; a compound's two firings stored out of order would lose the second).
    private readonly SemaphoreSlim order = new(1, 1);

    private DateTimeOffset lastWarned = DateTimeOffset.MinValue;

    /// <summary>
    /// Runs <paramref name="judge"/> (which fills the state changes it is given) and queues what it produced. Answers
    /// when it is queued, with a task that ends when it is stored (or deferred: see <see cref="EvaluationOutcomes"/>).
    /// </summary>
    public async Task<Task> JudgeAsync(Func<List<RuleStateChange>, Judged> judge, CancellationToken cancellationToken)
    {
        await order.WaitAsync(cancellationToken);
        try
        {
            var stateChanges = new List<RuleStateChange>();
            var judged = judge(stateChanges);
            var outcome = new Outcome(judged.Firings, stateChanges, judged.PricesReceivedUpTo);
            if (!queue.Writer.TryWrite(outcome))
            {
                WarnFull();
                try
                {
                    await queue.Writer.WriteAsync(outcome, cancellationToken);
                }
                catch (ChannelClosedException)
                {
                    // Stopping: stored here once the loop has stored what was judged before it, so the order holds.
                    await (ExecuteTask ?? Task.CompletedTask);
                    await WriteAsync([outcome], CancellationToken.None);
                }
            }
            return outcome.Stored.Task;
        }
        finally
        {
            order.Release();
        }
    }

    /// <summary>Ends when everything judged before it is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken) =>
        await await JudgeAsync(_ => new Judged([], null), cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveWriter(() => queue.Reader.Count);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Not cancelled midway by stopping: a group's firings are stored whole, or wait whole.
                await WriteAsync(TakeGroup(), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Stopping: what was judged is stored before the process ends, or a crossing seen just now would be lost.
        queue.Writer.TryComplete();
        while (queue.Reader.TryPeek(out _))
        {
            await WriteAsync(TakeGroup(), CancellationToken.None);
        }
    }

    private List<Outcome> TakeGroup()
    {
        var group = new List<Outcome>();
        var firings = 0;
        while (queue.Reader.TryPeek(out var next)
               && (group.Count == 0 || (next.StateChanges.Count == 0 && firings + next.Firings.Count <= GroupFirings))
               && queue.Reader.TryRead(out next))
        {
            group.Add(next);
            firings += next.Firings.Count;
        }
        return group;
    }

    private async Task WriteAsync(List<Outcome> group, CancellationToken cancellationToken)
    {
        try
        {
            var firings = group.Count == 1 ? group[0].Firings : group.SelectMany(outcome => outcome.Firings).ToList();
            // Most price batches and clock ticks bring nothing to store: no scope, no database.
            var stored = pending.IsEmpty;
            if (firings.Count > 0 || group[0].StateChanges.Count > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                stored = await scope.ServiceProvider.GetRequiredService<EvaluationOutcomes>().SaveAsync(firings, group[0].StateChanges, cancellationToken);
            }
            // "Judged and stored up to here": not while firings wait for the database.
            if (stored && group.Max(outcome => outcome.PricesReceivedUpTo) is { } receivedUpTo)
            {
                membership.Mark(receivedUpTo);
            }
            foreach (var outcome in group)
            {
                if (outcome.Carries)
                {
                    metrics.Stored(Stopwatch.GetElapsedTime(outcome.JudgedAt));
                }
                outcome.Stored.TrySetResult();
            }
        }
        catch (Exception exception)
        {
            if (exception is not OperationCanceledException)
            {
                LogFailed(exception, group.Count);
            }
            foreach (var outcome in group)
            {
                outcome.Stored.TrySetException(exception);
            }
        }
    }

    /// <summary>Once a minute at most: the writer is a full queue behind, so the feed waits for the database.</summary>
    private void WarnFull()
    {
        var now = time.GetUtcNow();
        if (now - lastWarned >= TimeSpan.FromMinutes(1))
        {
            lastWarned = now;
            LogFull(Backlog);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: storing what {Count} evaluation(s) produced failed")]
    private partial void LogFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Count} judged price batches wait to be stored; new prices wait for the database")]
    private partial void LogFull(int count);

    private sealed record Outcome(IReadOnlyList<FiringCandidate> Firings, List<RuleStateChange> StateChanges, DateTime? PricesReceivedUpTo)
    {
        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long JudgedAt { get; } = Stopwatch.GetTimestamp();

        // A flush, and most clock ticks, carry nothing: no delay to report.
        public bool Carries => Firings.Count > 0 || StateChanges.Count > 0 || PricesReceivedUpTo is not null;
    }
}

/// <summary>What one judging produced: its firings, and for a price batch the latest receive time among its prices.</summary>
internal sealed record Judged(IReadOnlyList<FiringCandidate> Firings, DateTime? PricesReceivedUpTo);
