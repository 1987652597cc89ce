using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Alerts;

/// <summary>
/// A firing saved but never published (the process died between the commit and AlertTriggered, or a handler threw)
/// must still reach the user, once; the repair job finds it by its missing PublishedAt.
/// </summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class FiringRepublishTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task FiringSavedButNeverPublished_IsPublishedOnceByTheRepairJob_AfterItsGracePeriod()
    {
        var user = await app.SignInAsync();
        var ruleId = await CreateRuleAsync(user);
        var lost = await StoreFiringAsync(ruleId, sequence: 1, firedAgo: TimeSpan.FromMinutes(2));
        var fresh = await StoreFiringAsync(ruleId, sequence: 2, firedAgo: TimeSpan.Zero);

        await RunRepairAsync();
        var afterFirstRun = await NotificationsAsync(user);
        await RunRepairAsync();
        var afterSecondRun = await NotificationsAsync(user);

        Assert.That(afterFirstRun.Select(item => item.GetProperty("price").GetDecimal()), Is.EqualTo(new[] { 101m }), "the lost firing, not the one still within its grace period");
        Assert.That(afterSecondRun, Has.Count.EqualTo(1), "published once");
        Assert.That(await PublishedAtAsync(lost), Is.Not.Null);
        Assert.That(await PublishedAtAsync(fresh), Is.Null);
    }

    [Test]
    public async Task FiringOfADeletedRule_IsMarkedWithoutANotification()
    {
        var user = await app.SignInAsync();
        var ruleId = await CreateRuleAsync(user);
        var firing = await StoreFiringAsync(ruleId, sequence: 1, firedAgo: TimeSpan.FromMinutes(2));
        await user.DeleteAsync($"/api/alerts/{ruleId}");

        await RunRepairAsync();

        Assert.That(await NotificationsAsync(user), Is.Empty);
        Assert.That(await PublishedAtAsync(firing), Is.Not.Null);
    }

    [Test]
    public async Task FiringRecordedByTheEngine_IsMarkedPublished_WithinSeconds()
    {
        var user = await app.SignInAsync();
        var ruleId = await CreateRuleAsync(user);
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var stored = await database.Rules.AsNoTracking().SingleAsync(rule => rule.Id == ruleId);
        var engine = new AlertEngine();
        engine.Upsert(stored, DateTime.UtcNow);
        engine.Evaluate([new("AAPL", 5000m, null, null, "test", DateTime.UtcNow, DateTime.UtcNow, null, null)], []);
        var candidate = engine.Evaluate([new("AAPL", 5002m, 5000m, DateTime.UtcNow, "test", DateTime.UtcNow, DateTime.UtcNow, null, null)], []).Firings.Single();

        var saved = await scope.ServiceProvider.GetRequiredService<FiringRecorder>().RecordAsync(candidate, CancellationToken.None);

        // Marks are written together once a second (one commit for many price batches), long before the repair
        // job's grace period.
        var firing = await database.Firings.AsNoTracking().SingleAsync(row => row.RuleId == ruleId);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await PublishedAtAsync(firing.Id) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.That(saved, Is.True);
        Assert.That(await PublishedAtAsync(firing.Id), Is.Not.Null);
        Assert.That(await NotificationsAsync(user), Has.Count.EqualTo(1));
    }

    private static async Task<Guid> CreateRuleAsync(HttpClient user)
    {
        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "AAPL",
            condition = new { type = "crossesAbove", level = 5001 },
            frequency = new { type = "everyTime", cooldownSeconds = 0 },
            channels = new[] { "live" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> StoreFiringAsync(Guid ruleId, int sequence, TimeSpan firedAgo)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var rule = await database.Rules.AsNoTracking().SingleAsync(row => row.Id == ruleId);
        var firing = new AlertFiringRecord
        {
            Id = Guid.CreateVersion7(),
            RuleId = ruleId,
            Sequence = sequence,
            UserId = rule.UserId,
            Symbol = rule.Symbol,
            Price = 100m + sequence,
            ComparedValue = rule.Level ?? 0,
            Description = "test firing",
            Message = "AAPL crossed",
            FiredAt = DateTime.UtcNow - firedAgo,
        };
        database.Firings.Add(firing);
        await database.SaveChangesAsync();
        return firing.Id;
    }

    private async Task<DateTime?> PublishedAtAsync(Guid firingId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AlertsDbContext>().Firings.Where(row => row.Id == firingId).Select(row => row.PublishedAt).SingleAsync();
    }

    private Task RunRepairAsync() => app.Services.GetRequiredService<JobRunner>().RunAsync(RepublishFiringsJob.JobId, CancellationToken.None);

    private static async Task<List<JsonElement>> NotificationsAsync(HttpClient user) =>
        (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items").EnumerateArray().ToList();
}
