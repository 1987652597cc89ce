using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

/// <summary>
/// With the Redis store an instance keeps the quotes it read for a second; every price batch it receives replaces
/// them, so a read right after a batch already answers its price, and after the second the store is asked again.
/// </summary>
public sealed class KeptQuotesTests
{
    private TestApp app = null!;
    private HttpClient user = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        app = await TestApp.StartAsync(StorageKind.MariaDb);
        user = await app.SignInAsync();
        await app.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:simulated", CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task APriceBatch_ReplacesAKeptQuoteAtOnce_AndTheStoreIsAskedAgainAfterASecond()
    {
        var before = await PriceAsync();
        var batch = before + 1.25m;
        var now = DateTime.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // As a batch relayed from the polling instance arrives: published here, not written to this store.
            await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new PricesUpdated(
                [new PriceChange("AAPL", batch, before, now.AddSeconds(-1), "simulated", now, now, null, null)]));
        }
        var right = await PriceAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var stored = (await app.Services.GetRequiredService<IQuoteStore>().GetLatestAsync(["AAPL"], CancellationToken.None))["AAPL"].Price;
        var later = await PriceAsync();

        Assert.That(right, Is.EqualTo(batch), "the batch's price at once, not the kept quote");
        Assert.That(later, Is.EqualTo(stored), "after a second the store's quote again");
    }

    private async Task<decimal> PriceAsync() => (await user.GetFromJsonAsync<JsonElement>("/api/prices/AAPL")).GetProperty("price").GetDecimal();
}
