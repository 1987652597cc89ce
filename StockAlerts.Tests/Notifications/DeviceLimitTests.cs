using System.Net.Http.Json;
using System.Text.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Notifications;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class DeviceLimitTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => app = await TestApp.StartAsync(storage);

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task RegisteringOneDeviceBeyondTheCap_ForgetsTheLeastRecentlySeen()
    {
        var user = await app.SignInAsync();
        var ids = new List<string>();
        for (var device = 0; device <= 20; device++)
        {
            var registered = await user.PostAsJsonAsync("/api/devices", new { token = $"token-{device}-{Guid.NewGuid():N}", platform = "android" });
            ids.Add((await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        var listed = (await user.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Select(device => device.GetProperty("id").GetString()).ToList();

        Assert.That(listed, Has.Count.EqualTo(20));
        Assert.That(listed, Does.Not.Contain(ids[0]));
        Assert.That(listed, Is.EquivalentTo(ids.Skip(1)));
    }
}
