using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// The database is the last word on whether a rule may fire: an evaluator whose memory of a rule is wrong (it missed
/// a firing, an edit, a pause) offers a firing, and the stored rule refuses it.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class FiringGuardTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task OnceRuleThatFiresOnTheFirstPriceAfterAGap_IsStoredTriggered_AndNeverFiresAgainWhenReloaded()
    {
        var rule = await StoreRuleAsync(rule =>
        {
            rule.ConditionType = "Above";
            rule.Level = 50m;
            rule.State = "noData";
        });
        var sync = app.Services.GetRequiredService<RuleSync>();
        await sync.ReloadAsync(rule.Id);

        // The feed was stale (as while Redis or a provider was away); its first price fires the rule.
        await PublishAsync(Change(rule.Symbol, 60m, 59m, DateTime.UtcNow, afterGap: true));
        var afterFiring = await StoredAsync(rule.Id);
        // Every instance reloads rules that changed (announcement or reconcile); then prices go on.
        await sync.ReloadAsync(rule.Id);
        await PublishAsync(Change(rule.Symbol, 61m, 60m, DateTime.UtcNow));
        await PublishAsync(Change(rule.Symbol, 62m, 61m, DateTime.UtcNow));

        Assert.That(afterFiring.FireCount, Is.EqualTo(1));
        Assert.That(afterFiring.State, Is.EqualTo("triggered"), "the state saved for the gap must not overwrite the firing's");
        Assert.That(await FiringsAsync(rule.Id), Is.EqualTo(1));
    }

    [TestCase("none", true)]
    [TestCase("once already fired", false)]
    [TestCase("once fired, stored state overwritten", false)]
    [TestCase("maxFires reached", false)]
    [TestCase("cooldown not over", false)]
    [TestCase("already fired today", false)]
    [TestCase("paused", false)]
    [TestCase("expired", false)]
    [TestCase("deleted", false)]
    [TestCase("edited meanwhile", false)]
    public async Task AFiringFromAMemoryThatIsWrongAboutTheRule_IsRefusedByTheDatabase(string storedDifference, bool saved)
    {
        var tickTime = FrequencyGate.StartOfLocalDay(DateTime.UtcNow, TimeZoneInfo.Utc).AddHours(12);
        var stored = await StoreRuleAsync(rule => rule.FrequencyType = "EveryTime");
        // What the evaluator believes: a rule that may fire now, with the fire count as stored.
        var believed = Copy(stored);
        await ChangeStoredAsync(stored.Id, storedDifference, tickTime);
        var current = await StoredAsync(stored.Id, allowMissing: true);
        believed.FireCount = current?.FireCount ?? 0;
        believed.ArmedAtFireCount = believed.FireCount;

        var engine = new AlertEngine();
        engine.MarkReady();
        engine.Upsert(believed, tickTime);
        engine.Evaluate([Change(stored.Symbol, 40m, null, tickTime.AddSeconds(-1))], []);
        var candidates = engine.Evaluate([Change(stored.Symbol, 60m, 40m, tickTime)], []).Firings;
        Assert.That(candidates, Has.Count.EqualTo(1), "the evaluator offers a firing");

        await using var scope = app.Services.CreateAsyncScope();
        var recorder = Recorder(scope, engine);
        var recorded = await recorder.RecordAsync(candidates[0], CancellationToken.None);

        Assert.That(recorded, Is.EqualTo(saved));
        Assert.That(await FiringsAsync(stored.Id), Is.EqualTo(saved ? 1 : 0));
        if (!saved && current is not null)
        {
            var after = await StoredAsync(stored.Id);
            Assert.That(after.FireCount, Is.EqualTo(current.FireCount), "a refused firing changes nothing");
            Assert.That(after.Version, Is.EqualTo(current.Version));
        }
    }

    /// <summary>
    /// The same guards when the firings come together (on MariaDB one joined UPDATE moves the batch's rules): the
    /// database refuses exactly the rules it should, the others are stored and moved, and the refused stay as stored.
    /// </summary>
    [Test]
    public async Task ABatchOfFirings_SomeFromAMemoryThatIsWrong_StoresExactlyTheOthers()
    {
        var tickTime = FrequencyGate.StartOfLocalDay(DateTime.UtcNow, TimeZoneInfo.Utc).AddHours(12);
        string[] differences = ["none", "once already fired", "none", "maxFires reached", "cooldown not over", "already fired today", "paused", "expired", "deleted", "edited meanwhile", "none"];
        var engine = new AlertEngine();
        engine.MarkReady();
        var rules = new List<(AlertRuleRecord Stored, AlertRuleRecord? Current, string Difference)>();
        foreach (var difference in differences)
        {
            var stored = await StoreRuleAsync(rule => rule.FrequencyType = "EveryTime");
            var believed = Copy(stored);
            await ChangeStoredAsync(stored.Id, difference, tickTime);
            var current = await StoredAsync(stored.Id, allowMissing: true);
            believed.FireCount = current?.FireCount ?? 0;
            believed.ArmedAtFireCount = believed.FireCount;
            engine.Upsert(believed, tickTime);
            rules.Add((stored, current, difference));
        }
        engine.Evaluate(rules.Select(rule => Change(rule.Stored.Symbol, 40m, null, tickTime.AddSeconds(-1))).ToList(), []);
        var candidates = engine.Evaluate(rules.Select(rule => Change(rule.Stored.Symbol, 60m, 40m, tickTime)).ToList(), []).Firings;
        Assert.That(candidates, Has.Count.EqualTo(differences.Length), "the evaluator offers a firing of each");

        await using var scope = app.Services.CreateAsyncScope();
        var recorder = Recorder(scope, engine);
        var recorded = await recorder.RecordAsync(candidates, CancellationToken.None);

        var expected = rules.Where(rule => rule.Difference == "none").Select(rule => rule.Stored.Id).ToList();
        Assert.That(recorded.Select(candidate => candidate.RuleId), Is.EquivalentTo(expected));
        foreach (var (stored, current, difference) in rules)
        {
            Assert.That(await FiringsAsync(stored.Id), Is.EqualTo(difference == "none" ? 1 : 0), difference);
            if (current is null)
            {
                continue;
            }
            var after = await StoredAsync(stored.Id);
            Assert.That((after.FireCount, after.Version), Is.EqualTo(difference == "none" ? (current.FireCount + 1, current.Version + 1) : (current.FireCount, current.Version)), difference);
            if (difference == "none")
            {
                Assert.That((after.LastFiredPrice, after.LastFiredAt), Is.EqualTo(((decimal?)60m, (DateTime?)tickTime)), "the move writes the firing's values onto its own rule");
            }
        }
    }

    /// <summary>
    /// Price batches judged while the writer is held up by the database wait and are then stored together, in the
    /// order judged: a rule that fired in several of them moves once per firing (on MariaDB one joined UPDATE per
    /// round), each firing is stored once, and a rule firing once among them is stored with them.
    /// </summary>
    [Test]
    public async Task BatchesJudgedWhileTheWriterIsHeldUp_AreStoredTogether_InOrder_EachFiringOnce()
    {
        var often = await StoreRuleAsync(rule => rule.FrequencyType = "EveryTime");
        var once = await StoreRuleAsync(_ => { });
        var sync = app.Services.GetRequiredService<RuleSync>();
        await sync.ReloadAsync(often.Id);
        await sync.ReloadAsync(once.Id);
        // Whole seconds: stored times keep microseconds on MariaDB.
        var now = DateTime.UtcNow;
        var start = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        await PublishAsync(Change(often.Symbol, 40m, null, start));
        await PublishAsync(Change(once.Symbol, 40m, null, start));
        var transactions = new List<int>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == StockAlerts.Modules.Shared.Telemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "alerts.store_firings")
                {
                    lock (transactions)
                    {
                        transactions.Add(Convert.ToInt32(activity.GetTagItem("stockalerts.alerts.candidates")));
                    }
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var engine = app.Services.GetRequiredService<AlertEngine>();
        var writer = app.Services.GetRequiredService<OutcomeWriter>();
        var stored = new List<Task>();
        Task<Task> Judge(PriceChange change) => writer.JudgeAsync(stateChanges => new Judged(engine.Evaluate([change], stateChanges).Firings, null), CancellationToken.None);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Another writer holds the often-firing rule's row (a write lock on SQLite) until every batch is judged.
            var holder = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            await using var transaction = await holder.Database.BeginTransactionAsync();
            await holder.Rules.Where(rule => rule.Id == often.Id).ExecuteUpdateAsync(rule => rule.SetProperty(column => column.Name, "held"));
            for (var crossing = 1; crossing <= 5; crossing++)
            {
                stored.Add(await Judge(Change(often.Symbol, 60m, 40m, start.AddSeconds(2 * crossing))));
                stored.Add(await Judge(Change(often.Symbol, 40m, 60m, start.AddSeconds(2 * crossing + 1))));
            }
            stored.Add(await Judge(Change(once.Symbol, 60m, 40m, start.AddSeconds(12))));
            await Task.Delay(200);
            Assert.That(stored.Count(task => task.IsCompleted), Is.Zero, "nothing stored while the row is held");
            await transaction.RollbackAsync();
        }
        await Task.WhenAll(stored);

        await using var check = app.Services.CreateAsyncScope();
        var firings = await check.ServiceProvider.GetRequiredService<AlertsDbContext>().Firings.AsNoTracking()
            .Where(firing => firing.RuleId == often.Id || firing.RuleId == once.Id).OrderBy(firing => firing.FiredAt).ToListAsync();
        Assert.That(firings.Where(firing => firing.RuleId == often.Id).Select(firing => (firing.Sequence, firing.FiredAt)),
            Is.EqualTo(Enumerable.Range(1, 5).Select(crossing => (crossing, start.AddSeconds(2 * crossing)))), "each crossing once, in order");
        Assert.That(firings.Count(firing => firing.RuleId == once.Id), Is.EqualTo(1));
        Assert.That((await StoredAsync(often.Id)).FireCount, Is.EqualTo(5));
        Assert.That(transactions.Sum(), Is.EqualTo(6), "every firing offered once");
        Assert.That(transactions, Has.Count.LessThanOrEqualTo(2), $"the batches that waited share a transaction (firings per transaction: {string.Join(", ", transactions)})");
    }

    /// <summary>The service's recorder, with this test's engine as the memory that believes the rules.</summary>
    private static FiringRecorder Recorder(AsyncServiceScope scope, AlertEngine engine) =>
        new(scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), engine, scope.ServiceProvider.GetRequiredService<RuleChangeBus>(),
            scope.ServiceProvider.GetRequiredService<FiringPublisher>(), scope.ServiceProvider.GetRequiredService<PublishedMarks>(), scope.ServiceProvider.GetRequiredService<PriceStyles>(), TimeProvider.System, NullLogger<FiringRecorder>.Instance);

    private async Task ChangeStoredAsync(Guid ruleId, string difference, DateTime tickTime)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var rule = await database.Rules.SingleAsync(candidate => candidate.Id == ruleId);
        switch (difference)
        {
            case "none":
                return;
            case "once already fired":
                (rule.FrequencyType, rule.FireCount, rule.State, rule.LastFiredAt) = ("Once", 1, "triggered", tickTime.AddMinutes(-5));
                break;
            case "once fired, stored state overwritten":
                (rule.FrequencyType, rule.FireCount, rule.State, rule.LastFiredAt) = ("Once", 1, "active", tickTime.AddMinutes(-5));
                break;
            case "maxFires reached":
                (rule.MaxFires, rule.FireCount, rule.ArmedAtFireCount, rule.LastFiredAt) = (2, 2, 2, tickTime.AddMinutes(-5));
                break;
            case "cooldown not over":
                (rule.CooldownSeconds, rule.FireCount, rule.ArmedAtFireCount, rule.LastFiredAt) = (3600, 1, 1, tickTime.AddMinutes(-59));
                break;
            case "already fired today":
                (rule.FrequencyType, rule.FireCount, rule.ArmedAtFireCount, rule.LastFiredAt) = ("OncePerDay", 1, 1, tickTime.AddHours(-11));
                break;
            case "paused":
                (rule.Paused, rule.State) = (true, "paused");
                break;
            case "expired":
                (rule.ExpiresAt, rule.State) = (tickTime.AddMinutes(-1), "expired");
                break;
            case "deleted":
                database.Rules.Remove(rule);
                break;
            case "edited meanwhile":
                (rule.Level, rule.Version) = (55m, rule.Version + 1);
                break;
        }
        await database.SaveChangesAsync();
    }

    private static AlertRuleRecord Copy(AlertRuleRecord rule)
    {
        var copy = (AlertRuleRecord)typeof(AlertRuleRecord).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(rule, null)!;
        return copy;
    }

    private async Task PublishAsync(PriceChange change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated([change]));
        // The batch is judged at once and stored by the writer, as the service goes on: wait for that here.
        await app.Services.GetRequiredService<OutcomeWriter>().FlushAsync(CancellationToken.None);
    }

    private async Task<AlertRuleRecord> StoreRuleAsync(Action<AlertRuleRecord> shape)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var now = DateTime.UtcNow;
        var rule = new AlertRuleRecord
        {
            Id = Guid.CreateVersion7(),
            UserId = "guard-user",
            Symbol = $"G{Guid.NewGuid():N}"[..10].ToUpperInvariant(),
            ConditionType = "CrossesAbove",
            Level = 50m,
            FrequencyType = "Once",
            Channels = "live",
            State = "active",
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        shape(rule);
        database.Rules.Add(rule);
        await database.SaveChangesAsync();
        return rule;
    }

    private async Task<AlertRuleRecord> StoredAsync(Guid ruleId) => (await StoredAsync(ruleId, allowMissing: false))!;

    private async Task<AlertRuleRecord?> StoredAsync(Guid ruleId, bool allowMissing)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var rule = await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Rules.AsNoTracking().SingleOrDefaultAsync(rule => rule.Id == ruleId);
        return allowMissing ? rule : rule ?? throw new InvalidOperationException($"rule {ruleId} is not stored");
    }

    private async Task<int> FiringsAsync(Guid ruleId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Firings.CountAsync(firing => firing.RuleId == ruleId);
    }

    private static PriceChange Change(string symbol, decimal price, decimal? previous, DateTime time, bool afterGap = false) =>
        new(symbol, price, previous, previous is null ? null : time.AddSeconds(-1), "test", time, time, null, null, afterGap);
}
