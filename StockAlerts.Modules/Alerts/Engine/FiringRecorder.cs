using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Saves firings exactly once: the rule row moves from fire count n-1 to n and the firing row (rule, n) is inserted,
/// in one transaction. The move is a conditional update that the database refuses unless the stored rule, at the
/// version the engine fired from, may fire now: not fired already if "once", under its maxFires, past its cooldown
/// or its day, not paused, expired or deleted. So no instance's memory, however stale, can write a firing the rule
/// forbids. A firing that is refused changes nothing, its rule is reloaded as stored and nothing is published.
/// The firings it is given (one price batch's, or several the <see cref="OutcomeWriter"/> stores together) share one
/// transaction (one commit, the inserts batched) and one publication.
/// </summary>
internal sealed partial class FiringRecorder(
    AlertsDbContext database,
    AlertEngine engine,
    RuleChangeBus changes,
    FiringPublisher publisher,
    PublishedMarks marks,
    PriceStyles styles,
    TimeProvider time,
    ILogger<FiringRecorder> logger)
{
    public async Task<bool> RecordAsync(FiringCandidate candidate, CancellationToken cancellationToken) =>
        (await RecordAsync([candidate], cancellationToken)).Count == 1;

    /// <summary>
    /// Saves the firings of one evaluation, in their order, and publishes those the database took. Returns them.
    /// Throws (saving nothing) when the database is away, so the caller can keep them all for later.
    /// </summary>
    public async Task<IReadOnlyList<FiringCandidate>> RecordAsync(IReadOnlyList<FiringCandidate> candidates, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return [];
        }
        // From the batch's firings to their commit; the publication after it has spans of its own.
        var storing = Telemetry.ActivitySource.StartActivity("alerts.store_firings");
        storing?.SetTag("stockalerts.alerts.candidates", candidates.Count);
        // Only what the moves and the publication need of each stored rule: reading whole rules (and mapping them
        // into the engine's form) was a quarter of what storing a firing cost.
        var stored = new Dictionary<Guid, StoredRule>(candidates.Count);
        foreach (var ids in candidates.Select(candidate => candidate.RuleId).Distinct().Chunk(1000))
        {
            foreach (var rule in await database.Rules.AsNoTracking().Where(rule => ids.Contains(rule.Id))
                         .Select(rule => new StoredRule(rule.Id, rule.FireCount, rule.Version, rule.FrequencyType, rule.CooldownSeconds, rule.TimeZone,
                             new PublishedRule(rule.Name, rule.ConditionType, rule.Channels, rule.WebhookUrl)))
                         .ToListAsync(cancellationToken))
            {
                stored[rule.Id] = rule;
            }
        }

        // Firings that cannot apply onto the stored rule (fired or changed elsewhere, deleted) are not tried; a rule
        // that fired twice in the batch applies its second firing onto its first.
        var next = stored.Values.ToDictionary(rule => rule.Id, rule => (rule.FireCount, rule.Version));
        var tried = new List<FiringCandidate>(candidates.Count);
        var reload = new HashSet<Guid>();
        foreach (var candidate in candidates)
        {
            if (!next.TryGetValue(candidate.RuleId, out var expected) || expected != (candidate.Sequence - 1, candidate.StoredVersion))
            {
                reload.Add(candidate.RuleId);
                continue;
            }
            next[candidate.RuleId] = (candidate.Sequence, candidate.StoredVersion + 1);
            tried.Add(candidate);
        }

        List<(FiringCandidate Candidate, AlertFiringRecord Firing)> saved;
        try
        {
            saved = tried.Count == 0 ? [] : await SaveAsync(tried, stored, reload, cancellationToken);
            storing?.SetTag("stockalerts.alerts.saved", saved.Count);
        }
        finally
        {
            storing?.Dispose();
        }
        if (saved.Count > 0)
        {
            await PublishAsync(saved, stored, cancellationToken);
        }
        // After the publication: a reload that fails (the database went away) must not hold back saved firings.
        if (reload.Count > 0)
        {
            LogLostRace(reload.Count);
            await engine.ReloadAsync(database, reload, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        return saved.Select(item => item.Candidate).ToList();
    }

    private async Task PublishAsync(List<(FiringCandidate Candidate, AlertFiringRecord Firing)> saved, Dictionary<Guid, StoredRule> stored, CancellationToken cancellationToken)
    {
        foreach (var (candidate, _) in saved)
        {
            LogFired(candidate.RuleId, candidate.Sequence, candidate.Symbol, candidate.Price);
            if (candidate.Reason == RuleStateReasons.Runaway)
            {
                LogRunaway(candidate.RuleId, candidate.Symbol, RuleEvaluator.RunawayFiringLimit, RuleEvaluator.RunawayWindow.TotalMinutes);
            }
        }
        try
        {
            await publisher.PublishAsync(saved.Select(item => (item.Firing, stored[item.Candidate.RuleId].Published)).ToList(), cancellationToken);
            marks.Add(saved.Select(item => item.Firing.Id));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The firings are saved and stay unpublished: RepublishFiringsJob sends them again.
            LogPublishFailed(exception, saved.Count);
        }
        await changes.PublishAsync(saved.Select(item => item.Candidate.RuleId).Distinct().ToList());
    }

    /// <summary>Visible states (pending, noData, expired, ...) that changed without a firing.</summary>
    public Task RecordStateChangesAsync(IReadOnlyList<RuleStateChange> stateChanges, CancellationToken cancellationToken) =>
        StoredRuleStates.SaveAsync(database, stateChanges, cancellationToken);

    private async Task<List<(FiringCandidate Candidate, AlertFiringRecord Firing)>> SaveAsync(
        List<FiringCandidate> tried, Dictionary<Guid, StoredRule> stored, HashSet<Guid> reload, CancellationToken cancellationToken)
    {
        try
        {
            return await SaveTogetherAsync(tried, stored, reload, cancellationToken);
        }
        catch (DbException) when (tried.Count > 1)
        {
            // Perhaps a firing row existed already (another writer got there first): nothing of the batch was kept,
            // so each firing is tried on its own and the others still count. A database that is away fails again.
            var saved = new List<(FiringCandidate Candidate, AlertFiringRecord Firing)>();
            foreach (var candidate in tried)
            {
                saved.AddRange(await SaveAsync([candidate], stored, reload, cancellationToken));
            }
            return saved;
        }
        catch (DbException) when (tried.Count == 1)
        {
            var candidate = tried[0];
            if (!await database.Firings.AnyAsync(firing => firing.RuleId == candidate.RuleId && firing.Sequence == candidate.Sequence, cancellationToken))
            {
                throw;
            }
            reload.Add(candidate.RuleId);
            return [];
        }
    }

    /// <summary>
    /// One transaction: the rules' conditional moves in one command, then all firing rows in one batched insert.
    /// When the database refuses any move, that try is rolled back and each firing is moved on its own, so the
    /// refused ones are known and the others still count.
    /// </summary>
    private async Task<List<(FiringCandidate Candidate, AlertFiringRecord Firing)>> SaveTogetherAsync(
        List<FiringCandidate> tried, Dictionary<Guid, StoredRule> stored, HashSet<Guid> reload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // The cooldown or the day as stored, not as the memory believes them.
        var moves = tried.Select(candidate =>
        {
            var rule = stored[candidate.RuleId];
            return new FiringMove(candidate, engine.RuntimeOf(candidate.RuleId), FrequencyGate.LastFiringNoLaterThan(rule.Frequency, rule.TimeZone, candidate.Time));
        }).ToList();
        // The texts are written before the transaction, so its row locks are not held while they are.
        var firings = new List<(FiringCandidate Candidate, AlertFiringRecord Firing)>(tried.Count);
        foreach (var candidate in tried)
        {
            firings.Add((candidate, await ToRecordAsync(candidate, cancellationToken)));
        }
        await using (var transaction = await database.Database.BeginTransactionAsync(cancellationToken))
        {
            if (await FiringMoves.MoveAsync(database, moves, now, cancellationToken) == tried.Count)
            {
                return await InsertAsync(firings, transaction, cancellationToken);
            }
        }
        await using (var transaction = await database.Database.BeginTransactionAsync(cancellationToken))
        {
            var refused = new HashSet<Guid>();
            var moved = new List<(FiringCandidate Candidate, AlertFiringRecord Firing)>(tried.Count);
            for (var index = 0; index < moves.Count; index++)
            {
                // A later firing of a refused rule would apply onto a version that never came.
                if (refused.Contains(tried[index].RuleId) || await FiringMoves.MoveAsync(database, [moves[index]], now, cancellationToken) == 0)
                {
                    refused.Add(tried[index].RuleId);
                    continue;
                }
                moved.Add(firings[index]);
            }
            if (refused.Count > 0)
            {
                LogRefused(refused.Count);
            }
            reload.UnionWith(refused);
            return await InsertAsync(moved, transaction, cancellationToken);
        }
    }

    private async Task<List<(FiringCandidate Candidate, AlertFiringRecord Firing)>> InsertAsync(
        List<(FiringCandidate Candidate, AlertFiringRecord Firing)> moved, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        await new TableCommands(database, typeof(AlertFiringRecord)).InsertAsync(moved.Select(item => item.Firing).ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    /// <summary>The texts people read, written once here: prices in the instrument's precision, with its currency.</summary>
    private async Task<AlertFiringRecord> ToRecordAsync(FiringCandidate candidate, CancellationToken cancellationToken)
    {
        var rule = candidate.Rule;
        var style = await styles.ForAsync(candidate.Symbol, candidate.Price, cancellationToken);
        // A compound names each part's symbol, written in that instrument's style.
        List<PriceStyle>? partStyles = null;
        if (rule.Condition.Compound is { } compound && candidate.PartPrices is { } partPrices)
        {
            partStyles = [];
            for (var i = 0; i < compound.Parts.Count; i++)
            {
                partStyles.Add(await styles.ForAsync(compound.Parts[i].Symbol, partPrices.Values[i], cancellationToken));
            }
        }
        var description = ConditionObserver.Describe(rule, candidate.Direction, candidate.Price, candidate.ComparedValue, style, candidate.Reading, candidate.PartPrices, partStyles);
        var message = AlertMessageTemplate.Render(rule, candidate, description, style);
        return new AlertFiringRecord
        {
            Id = Guid.CreateVersion7(),
            RuleId = candidate.RuleId,
            Sequence = candidate.Sequence,
            UserId = candidate.UserId,
            Symbol = candidate.Symbol,
            Price = candidate.Price,
            ComparedValue = candidate.ComparedValue,
            Description = Truncate(description, AlertFiringRecord.DescriptionLength),
            Message = Truncate(message, 1000),
            FiredAt = candidate.Time,
        };
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record StoredRule(Guid Id, int FireCount, long Version, string FrequencyType, int CooldownSeconds, string TimeZone, PublishedRule Published)
    {
        public AlertFrequency Frequency => RuleMapping.FrequencyOf(FrequencyType, CooldownSeconds);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: {Count} firing(s) are saved but publishing them failed; the republish job will retry")]
    private partial void LogPublishFailed(Exception exception, int count);

    // Debug: a burst of firings would otherwise be a burst of log lines; the metrics count them.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Alerts: rule {RuleId} fired (#{Sequence}) on {Symbol} at {Price}")]
    private partial void LogFired(Guid ruleId, int sequence, string symbol, decimal price);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: rule {RuleId} on {Symbol} fired more than {Limit} times in {Minutes} minutes and was paused (runaway stop)")]
    private partial void LogRunaway(Guid ruleId, string symbol, int limit, double minutes);

    // One line per batch: in a race between instances every rule the other one stored first is refused here.
    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: the database refused the firings of {Count} rule(s): fired or changed elsewhere meanwhile, or as stored they may not fire now; reloaded")]
    private partial void LogRefused(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alerts: {Count} rule(s) were fired or changed elsewhere; reloaded as stored")]
    private partial void LogLostRace(int count);
}
