using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

public sealed class PricesScheduleAndScaleOutTests
{
    [TestCase(StorageKind.Sqlite)]
    [TestCase(StorageKind.MariaDb)]
    public async Task SimulatedFeedJob_RunsEverySecondOnTheHangfireSchedule(StorageKind storage)
    {
        await using var app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Jobs:Schedule"] = "true" });
        var store = app.Services.GetRequiredService<IQuoteStore>();
        var attempts = new List<DateTime>();

        var until = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < until)
        {
            var status = (await store.GetProviderStatusesAsync(CancellationToken.None)).SingleOrDefault(candidate => candidate.Provider == "simulated");
            if (status?.LastAttemptAt is { } attempt && (attempts.Count == 0 || attempts[^1] != attempt))
            {
                attempts.Add(attempt);
            }
            await Task.Delay(100);
        }

        var gaps = attempts.Zip(attempts.Skip(1), (earlier, later) => (later - earlier).TotalSeconds).ToList();
        TestContext.Out.WriteLine($"{attempts.Count} runs in 8 s; gaps: {string.Join(", ", gaps.Select(gap => gap.ToString("0.00")))}");
        Assert.That(attempts, Has.Count.GreaterThanOrEqualTo(4), "a 1-second job should run several times in 8 seconds");
        Assert.That(gaps.Average(), Is.InRange(0.5, 2.5));
    }

    [Test]
    public async Task TwoHostsOnOneRedis_AClientOnHostB_ReceivesATickPolledByHostA()
    {
        await using var hostA = await TestApp.StartAsync(StorageKind.MariaDb);
        await using var hostB = await TestApp.StartAsync(StorageKind.MariaDb, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = hostA.Settings["ConnectionStrings:Database"],
            ["ConnectionStrings:Redis"] = hostA.Settings["ConnectionStrings:Redis"],
            ["Prices:Providers:simulated:Enabled"] = "false",
        });
        var userOnB = await hostB.SignInAsync();
        await using var connection = await HubClients.ConnectAsync(hostB, userOnB, "/hubs/prices");
        var received = new ConcurrentBag<QuoteView>();
        connection.On<QuoteView>(nameof(IPricesClient.PriceChanged), received.Add);
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AMZN" });

        for (var attempt = 0; attempt < 10 && received.IsEmpty; attempt++)
        {
            await hostA.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:simulated", CancellationToken.None);
            await Task.Delay(700);
        }
        var onB = await userOnB.GetFromJsonAsync<JsonElement>("/api/prices/AMZN");

        Assert.That(hostB.Services.GetRequiredService<JobRunner>().Find("prices:poll:simulated"), Is.Null, "host B must not poll itself");
        Assert.That(received.Select(quote => quote.Symbol), Has.Some.EqualTo("AMZN"));
        Assert.That(onB.GetProperty("source").GetString(), Is.EqualTo("simulated"));
    }

    [Test]
    public async Task TwoHostsOnOneRedis_ShareTheShards_AndAPricePolledByHostA_IsEvaluatedByTheOwnerB()
    {
        await using var hostA = await TestApp.StartAsync(StorageKind.MariaDb);
        await using var hostB = await TestApp.StartAsync(StorageKind.MariaDb, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = hostA.Settings["ConnectionStrings:Database"],
            ["ConnectionStrings:Redis"] = hostA.Settings["ConnectionStrings:Redis"],
            ["Prices:Providers:simulated:Enabled"] = "false",
        });
        // The two share the symbols' shards once each has seen the other ready; a rule on a symbol of B's shards is
        // B's alone to evaluate, with every price A polls.
        var engineA = hostA.Services.GetRequiredService<AlertEngine>();
        var engineB = hostB.Services.GetRequiredService<AlertEngine>();
        for (var wait = 0; wait < 100 && !((engineA.Owned & engineB.Owned) == 0 && (engineA.Owned | engineB.Owned) == Shards.All); wait++)
        {
            await Task.Delay(100);
        }
        Assert.That(engineA.Owned & engineB.Owned, Is.Zero, "each shard has one owner");
        Assert.That(engineA.Owned | engineB.Owned, Is.EqualTo(Shards.All), "every shard has an owner");
        var symbol = new[] { "TSLA", "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "EURUSD", "GBPUSD", "USDJPY", "AUDUSD" }
            .First(candidate => Shards.Contains(engineB.Owned, Shards.Of(candidate)));
        var rule = new AlertRuleRecord
        {
            Id = Guid.CreateVersion7(), UserId = "scale-out-user", Symbol = symbol, ConditionType = "Above", Level = 1m,
            FrequencyType = "Once", Channels = "live", State = "active", Version = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        await using (var scope = hostB.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
            database.Rules.Add(rule);
            await database.SaveChangesAsync();
        }
        engineB.Upsert(rule, DateTime.UtcNow);
        // Even told of it, A does not take in a rule of a shard it does not own.
        engineA.Upsert(rule, DateTime.UtcNow);
        var knownToHostA = engineA.RuntimeOf(rule.Id) is not null;

        var firings = 0;
        for (var attempt = 0; attempt < 20 && firings == 0; attempt++)
        {
            await hostA.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:simulated", CancellationToken.None);
            await Task.Delay(500);
            await using var scope = hostB.Services.CreateAsyncScope();
            firings = await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Firings.CountAsync(firing => firing.RuleId == rule.Id);
        }

        Assert.That(knownToHostA, Is.False, "only host B, the owner of its shard, indexes the rule, so only B can fire it");
        Assert.That(firings, Is.EqualTo(1), "host B evaluated the price host A polled, and fired once");
    }
}
