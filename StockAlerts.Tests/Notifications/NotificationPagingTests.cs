using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Notifications;

/// <summary>A burst stored in one instant is read in pages without a skip or a repeat, both ways.</summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class NotificationPagingTests(StorageKind storage)
{
    [Test]
    public async Task TwoHundredFiftyNotificationsWithOneTimestamp_ReadInPagesOf100_AllOnceEachWay()
    {
        await using var app = await TestApp.StartAsync(storage);
        var client = await app.SignInAsync();
        var userId = (await client.GetFromJsonAsync<JsonElement>("/api/account")).GetProperty("id").GetString()!;
        var instant = new DateTime(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);
        var stored = await StoreAsync(app, userId, instant, 250);

        var newestFirst = await ReadAllAsync(client, "before", first: "/api/notifications?limit=100");
        var catchUp = await ReadAllAsync(client, "since", first: $"/api/notifications?limit=100&since={Uri.EscapeDataString(instant.AddSeconds(-1).ToString("O"))}");

        Assert.That(newestFirst.Pages, Is.EqualTo(3));
        Assert.That(newestFirst.Ids, Has.Count.EqualTo(250));
        Assert.That(newestFirst.Ids.Distinct().Count(), Is.EqualTo(250), "none twice");
        Assert.That(newestFirst.Ids.Order(), Is.EqualTo(stored.Order()), "none skipped");
        Assert.That(catchUp.Ids, Has.Count.EqualTo(250));
        Assert.That(catchUp.Ids.Order(), Is.EqualTo(stored.Order()));
        Assert.That(catchUp.Ids, Is.EqualTo(Enumerable.Reverse(newestFirst.Ids).ToList()), "the catch-up reads the same order the other way");
    }

    private static async Task<(List<string> Ids, int Pages)> ReadAllAsync(HttpClient client, string direction, string first)
    {
        var ids = new List<string>();
        var pages = 0;
        var url = first;
        while (pages < 10)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            pages++;
            var items = page.GetProperty("items").EnumerateArray().ToList();
            ids.AddRange(items.Select(item => item.GetProperty("id").GetString()!));
            if (items.Count < 100)
            {
                break;
            }
            // Newest first pages on with nextCursor; the catch-up goes on from the newest item it has.
            var cursor = direction == "before" ? page.GetProperty("nextCursor").GetString()! : items[^1].GetProperty("cursor").GetString()!;
            url = $"/api/notifications?limit=100&{direction}={Uri.EscapeDataString(cursor)}";
        }
        return (ids, pages);
    }

    private static async Task<List<string>> StoreAsync(TestApp app, string userId, DateTime instant, int count)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var ids = new List<string>();
        for (var index = 0; index < count; index++)
        {
            var id = Guid.NewGuid();
            ids.Add(id.ToString());
            database.Notifications.Add(new NotificationRecord
            {
                Id = id,
                UserId = userId,
                FiringId = Guid.NewGuid(),
                RuleId = Guid.NewGuid(),
                Symbol = "AAPL",
                Price = 200 + index,
                Level = 200,
                Kind = "alert",
                Title = $"#{index}",
                Body = "burst",
                CreatedAt = instant,
            });
        }
        await database.SaveChangesAsync();
        return ids;
    }
}
