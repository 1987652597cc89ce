using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Saves a firing exactly once: the rule row moves from fire count n-1 to n and the firing row (rule, n) is inserted,
/// in one transaction. The move is a conditional update that the database refuses unless the stored rule, at the
/// version just read, may fire now: not fired already if "once", under its maxFires, past its cooldown or its day,
/// not paused, expired or deleted. So no instance's memory, however stale, can write a firing the rule forbids.
/// An evaluator that is refused changes nothing, reloads the rule as stored and publishes nothing.
/// </summary>
internal sealed partial class FiringRecorder(
    AlertsDbContext database,
    AlertEngine engine,
    RuleChangeBus changes,
    FiringPublisher publisher,
    PriceStyles styles,
    TimeProvider time,
    ILogger<FiringRecorder> logger)
{
    // States in which a stored rule cannot fire until something re-arms, resumes or edits it.
    private static readonly string[] Latched = [RuleMapping.StateName(RuleState.Triggered), RuleMapping.StateName(RuleState.Expired), RuleMapping.StateName(RuleState.Paused)];

    private static readonly string OnceFrequency = nameof(FrequencyType.Once);

    public async Task<bool> RecordAsync(FiringCandidate candidate, CancellationToken cancellationToken)
    {
        var stored = await database.Rules.AsNoTracking().SingleOrDefaultAsync(rule => rule.Id == candidate.RuleId, cancellationToken);
        if (stored is null)
        {
            engine.Remove(candidate.RuleId);
            return false;
        }
        if (stored.FireCount != candidate.Sequence - 1 || stored.Version != candidate.StoredVersion)
        {
            Reload(stored);
            return false;
        }

        var runtime = engine.RuntimeOf(candidate.RuleId);
        var rule = RuleMapping.ToEngine(stored, candidate.Time);
        var firedAt = candidate.Time;
        // What people read: the prices in the instrument's precision, with its currency.
        var style = await styles.ForAsync(candidate.Symbol, candidate.Price, cancellationToken);
        var description = ConditionObserver.Describe(rule, candidate.Direction, candidate.Price, candidate.ComparedValue, style);
        var message = AlertMessageTemplate.Render(rule, candidate, description, style);
        var state = RuleMapping.StateName(candidate.State);
        var now = time.GetUtcNow().UtcDateTime;
        var firing = new AlertFiringRecord
        {
            Id = Guid.CreateVersion7(),
            RuleId = candidate.RuleId,
            Sequence = candidate.Sequence,
            UserId = candidate.UserId,
            Symbol = candidate.Symbol,
            Price = candidate.Price,
            ComparedValue = candidate.ComparedValue,
            Description = Truncate(description, 300),
            Message = Truncate(message, 1000),
            FiredAt = candidate.Time,
        };

        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        var allowed = database.Rules
            .Where(row => row.Id == candidate.RuleId && row.Version == stored.Version && row.FireCount == candidate.Sequence - 1
                && !row.Paused && !Latched.Contains(row.State)
                && (row.ExpiresAt == null || row.ExpiresAt > firedAt)
                && (row.MaxFires == null || row.FireCount - row.MaxFiresCountedFrom < row.MaxFires)
                && (row.FrequencyType != OnceFrequency || row.FireCount == row.ArmedAtFireCount));
        if (FrequencyGate.LastFiringNoLaterThan(rule, firedAt) is { } lastFiringNoLaterThan)
        {
            allowed = allowed.Where(row => row.LastFiredAt == null || row.LastFiredAt <= lastFiringNoLaterThan);
        }
        var updated = await allowed
            .ExecuteUpdateAsync(row => row
                .SetProperty(column => column.FireCount, candidate.Sequence)
                .SetProperty(column => column.State, state)
                .SetProperty(column => column.StateReason, candidate.Reason)
                .SetProperty(column => column.LastFiredAt, candidate.Time)
                .SetProperty(column => column.LastFiredPrice, candidate.Price)
                .SetProperty(column => column.Armed, runtime == null || runtime.Armed)
                .SetProperty(column => column.TrailingExtreme, runtime == null ? null : runtime.TrailingExtreme)
                .SetProperty(column => column.StepAnchor, runtime == null ? null : runtime.StepAnchor)
                .SetProperty(column => column.Version, column => column.Version + 1)
                .SetProperty(column => column.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            LogRefused(candidate.RuleId, candidate.Sequence);
            await ReloadByIdAsync(candidate.RuleId, cancellationToken);
            return false;
        }
        database.Firings.Add(firing);
        try
        {
            await database.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(cancellationToken);
            database.ChangeTracker.Clear();
            await ReloadByIdAsync(candidate.RuleId, cancellationToken);
            return false;
        }

        LogFired(candidate.RuleId, candidate.Sequence, candidate.Symbol, candidate.Price, candidate.Description);
        if (candidate.Reason == RuleStateReasons.Runaway)
        {
            LogRunaway(candidate.RuleId, candidate.Symbol, RuleEvaluator.RunawayFiringLimit, RuleEvaluator.RunawayWindow.TotalMinutes);
        }
        try
        {
            await publisher.PublishAsync(firing, stored, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The firing is saved and stays unpublished: RepublishFiringsJob sends it again.
            LogPublishFailed(exception, firing.Id, candidate.RuleId);
        }
        await changes.PublishAsync(candidate.RuleId);
        return true;
    }

    /// <summary>Visible states (pending, noData, expired, ...) that changed without a firing.</summary>
    public Task RecordStateChangesAsync(IReadOnlyList<RuleStateChange> stateChanges, CancellationToken cancellationToken) =>
        StoredRuleStates.SaveAsync(database, stateChanges, cancellationToken);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private async Task ReloadByIdAsync(Guid ruleId, CancellationToken cancellationToken)
    {
        var stored = await database.Rules.AsNoTracking().SingleOrDefaultAsync(rule => rule.Id == ruleId, cancellationToken);
        if (stored is null)
        {
            engine.Remove(ruleId);
            return;
        }
        Reload(stored);
    }

    private void Reload(AlertRuleRecord stored)
    {
        LogLostRace(stored.Id, stored.FireCount);
        engine.Upsert(stored, time.GetUtcNow().UtcDateTime);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: firing {FiringId} of rule {RuleId} is saved but publishing it failed; the republish job will retry")]
    private partial void LogPublishFailed(Exception exception, Guid firingId, Guid ruleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: rule {RuleId} fired (#{Sequence}) on {Symbol} at {Price}: {Description}")]
    private partial void LogFired(Guid ruleId, int sequence, string symbol, decimal price, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: rule {RuleId} on {Symbol} fired more than {Limit} times in {Minutes} minutes and was paused (runaway stop)")]
    private partial void LogRunaway(Guid ruleId, string symbol, int limit, double minutes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: the database refused firing #{Sequence} of rule {RuleId}: as stored it was changed meanwhile or may not fire now; reloaded")]
    private partial void LogRefused(Guid ruleId, int sequence);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alerts: rule {RuleId} was fired or changed elsewhere (stored fire count {FireCount}); reloaded")]
    private partial void LogLostRace(Guid ruleId, int fireCount);
}
