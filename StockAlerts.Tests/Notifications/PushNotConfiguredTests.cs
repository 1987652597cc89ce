using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Notifications;

public sealed class PushNotConfiguredTests
{
    [Test]
    public async Task WithoutFirebaseCredentials_PushIsRecordedAsSkipped_AndEverythingElseWorks()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Notifications:LiveAckGraceSeconds"] = "0" });
        var user = await app.SignInAsync();
        await user.PostAsJsonAsync("/api/devices", new { token = "some-device", platform = "android" });
        var runner = app.Services.GetRequiredService<JobRunner>();
        await runner.RunAsync("prices:poll:simulated", CancellationToken.None);
        var price = (await user.GetFromJsonAsync<JsonElement>("/api/prices/AAPL")).GetProperty("price").GetDecimal();
        (await user.PostAsJsonAsync("/api/alerts", new { symbol = "AAPL", condition = new { type = "above", level = price / 2 }, channels = new[] { "push", "live" } })).EnsureSuccessStatusCode();

        string? status = null;
        for (var attempt = 0; attempt < 40 && status != "skipped"; attempt++)
        {
            await Task.Delay(500);
            await runner.RunAsync("prices:poll:simulated", CancellationToken.None);
            var items = (await user.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("items");
            if (items.GetArrayLength() > 0)
            {
                var detail = await user.GetFromJsonAsync<JsonElement>($"/api/notifications/{items[0].GetProperty("id").GetString()}");
                status = detail.GetProperty("deliveries")[0].GetProperty("status").GetString();
                Assert.That(detail.GetProperty("deliveries")[0].GetProperty("lastError").GetString(), Is.Null.Or.EqualTo("push not configured"));
            }
        }
        var push = (await (await app.SignInAdminAsync()).GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("checks").GetProperty("push");

        Assert.That(status, Is.EqualTo("skipped"));
        Assert.That(push.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(push.GetProperty("description").GetString(), Does.StartWith("push not configured"));
    }
}
