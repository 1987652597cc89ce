using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// Four evaluators (as on four instances, each with its own index and connection) see the same crossing at the
/// same moment; the database must end with exactly one firing every time.
/// </summary>
public sealed class FiringRaceTests
{
    private const int Evaluators = 4;
    private const int Iterations = 25;

    [TestCase(StorageKind.MariaDb)]
    [TestCase(StorageKind.Sqlite)]
    public async Task FourEvaluatorsRacingOnOneRule_SaveExactlyOneFiring_EveryTime(StorageKind storage)
    {
        await using var app = await TestApp.StartAsync(storage);
        var engines = Enumerable.Range(0, Evaluators).Select(_ => new AlertEngine()).ToArray();
        foreach (var engine in engines)
        {
            engine.MarkReady();
        }
        var winners = new List<int>();

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var rule = await StoreRuleAsync(app, level: 100m + iteration);
            foreach (var engine in engines)
            {
                engine.Upsert(rule, DateTime.UtcNow);
                engine.Evaluate([Change(rule.Symbol, 90m + iteration, null)], []);
            }

            var crossing = Change(rule.Symbol, 110m + iteration, 90m + iteration);
            var saved = await Task.WhenAll(engines.Select(engine => Task.Run(async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                var recorder = new FiringRecorder(
                    scope.ServiceProvider.GetRequiredService<AlertsDbContext>(), engine, scope.ServiceProvider.GetRequiredService<RuleChangeBus>(),
                    scope.ServiceProvider.GetRequiredService<FiringPublisher>(), scope.ServiceProvider.GetRequiredService<PublishedMarks>(), scope.ServiceProvider.GetRequiredService<PriceStyles>(), TimeProvider.System, NullLogger<FiringRecorder>.Instance);
                var candidates = engine.Evaluate([crossing], []).Firings;
                var wins = 0;
                foreach (var candidate in candidates)
                {
                    wins += await recorder.RecordAsync(candidate, CancellationToken.None) ? 1 : 0;
                }
                return (candidates.Count, wins);
            })));

            await using var check = app.Services.CreateAsyncScope();
            var database = check.ServiceProvider.GetRequiredService<AlertsDbContext>();
            var firings = await database.Firings.CountAsync(firing => firing.RuleId == rule.Id);
            var stored = await database.Rules.AsNoTracking().SingleAsync(candidate => candidate.Id == rule.Id);
            Assert.That(saved.Sum(result => result.Count), Is.EqualTo(Evaluators), "every evaluator saw the crossing");
            Assert.That(saved.Sum(result => result.wins), Is.EqualTo(1), $"iteration {iteration}: exactly one evaluator saves");
            Assert.That(firings, Is.EqualTo(1), $"iteration {iteration}: exactly one firing row");
            Assert.That(stored.FireCount, Is.EqualTo(1));
            Assert.That(stored.State, Is.EqualTo("triggered"));
            winners.Add(saved.Select((result, index) => (result.wins, index)).Single(result => result.wins == 1).index);
        }
        TestContext.Out.WriteLine($"winners by evaluator: {string.Join(", ", winners.GroupBy(index => index).OrderBy(group => group.Key).Select(group => $"#{group.Key}={group.Count()}"))}");
    }

    private static PriceChange Change(string symbol, decimal price, decimal? previous) =>
        new(symbol, price, previous, previous is null ? null : DateTime.UtcNow.AddSeconds(-1), "test", DateTime.UtcNow, DateTime.UtcNow, null, null);

    private static async Task<AlertRuleRecord> StoreRuleAsync(TestApp app, decimal level)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var now = DateTime.UtcNow;
        var rule = new AlertRuleRecord
        {
            Id = Guid.CreateVersion7(),
            UserId = "race-user",
            Symbol = "AAPL",
            ConditionType = "CrossesAbove",
            Level = level,
            FrequencyType = "Once",
            Channels = "live",
            State = "active",
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        database.Rules.Add(rule);
        await database.SaveChangesAsync();
        return rule;
    }
}
