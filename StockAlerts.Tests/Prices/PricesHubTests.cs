using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Prices.Streaming;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Prices;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed class PricesHubTests(StorageKind storage)
{
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Prices:MaxSymbolsPerConnection"] = "3" });

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task Subscriber_ReceivesPriceChangedForItsSymbolsOnly()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");
        var received = new ConcurrentBag<QuoteView>();
        connection.On<QuoteView>(nameof(IPricesClient.PriceChanged), received.Add);

        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AAPL", "eurusd" });
        await PollUntilAsync(() => received.Any(quote => quote.Symbol == "AAPL") && received.Any(quote => quote.Symbol == "EURUSD"));

        Assert.That(received.Select(quote => quote.Symbol).Distinct(), Is.EquivalentTo(new[] { "AAPL", "EURUSD" }));
        Assert.That(received.First(quote => quote.Symbol == "AAPL").Price, Is.GreaterThan(0));
    }

    // The MessagePack hub protocol beside JSON: a client of each on the same symbol gets the same quotes (a symbol's
    // message is serialized once per protocol for all the connections that follow it).
    [Test]
    public async Task MessagePackAndJsonSubscribers_ReceiveTheSameQuotes()
    {
        var signedIn = await app.SignInAsync();
        await using var json = await HubClients.ConnectAsync(app, signedIn, "/hubs/prices");
        await using var messagePack = await HubClients.ConnectAsync(app, signedIn, "/hubs/prices", messagePack: true);
        var byJson = new ConcurrentBag<QuoteView>();
        var byMessagePack = new ConcurrentBag<QuoteView>();
        json.On<QuoteView>(nameof(IPricesClient.PriceChanged), byJson.Add);
        messagePack.On<QuoteView>(nameof(IPricesClient.PriceChanged), byMessagePack.Add);

        var current = await messagePack.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "NVDA" });
        await json.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "NVDA" });
        await PollUntilAsync(() => byMessagePack.Any(quote => byJson.Any(other => other.Time == quote.Time)));

        var quote = byMessagePack.First(quote => byJson.Any(other => other.Time == quote.Time));
        Assert.That(byJson.First(other => other.Time == quote.Time), Is.EqualTo(quote));
        Assert.That(quote.Symbol, Is.EqualTo("NVDA"));
        Assert.That(quote.Price, Is.GreaterThan(0));
        Assert.That(quote.Time.Kind, Is.EqualTo(DateTimeKind.Utc));
        Assert.That(current.Select(answered => answered.Symbol), Is.All.EqualTo("NVDA"));
    }

    [Test]
    public async Task Subscribe_AnswersWithTheCurrentQuotes()
    {
        await PollAsync();
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");

        var current = await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "MSFT" });

        Assert.That(current.Single().Symbol, Is.EqualTo("MSFT"));
    }

    [Test]
    public async Task Unsubscribe_StopsTheStreamForThatSymbol()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");
        var received = new ConcurrentBag<QuoteView>();
        connection.On<QuoteView>(nameof(IPricesClient.PriceChanged), received.Add);
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "TSLA", "META" });
        await connection.InvokeAsync("Unsubscribe", new[] { "TSLA" });

        await PollUntilAsync(() => received.Count(quote => quote.Symbol == "META") >= 2);

        Assert.That(received.Where(quote => quote.Symbol == "TSLA"), Is.Empty);
    }

    [Test]
    public async Task Subscribe_ToAnUnknownSymbol_IsRefusedWithAHubError()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");

        var error = Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AAPL", "NOPE" }));

        Assert.That(error!.Message, Does.Contain("NOPE"));
    }

    [Test]
    public async Task Subscribe_BeyondThePerConnectionCap_IsRefused()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AAPL", "MSFT" });

        var error = Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "NVDA", "AMZN" }));

        Assert.That(error!.Message, Does.Contain("At most 3"));
    }

    [Test]
    public void Connecting_WithoutAToken_IsRefused()
    {
        var anonymous = app.CreateClient();

        Assert.CatchAsync(async () => await HubClients.ConnectAsync(app, anonymous, "/hubs/prices"));
    }

    [Test]
    public async Task LiveSubscriptions_AreVisibleToThePolls()
    {
        await using var connection = await HubClients.ConnectAsync(app, await app.SignInAsync(), "/hubs/prices");
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "GOOGL" });

        var live = app.Services.GetRequiredService<LiveSubscriptions>().AllSymbols();

        Assert.That(live, Does.Contain("GOOGL"));
    }

    private Task PollAsync() => app.Services.GetRequiredService<JobRunner>().RunAsync("prices:poll:simulated", CancellationToken.None);

    private async Task PollUntilAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 20 && !done(); attempt++)
        {
            await Task.Delay(1000);
            await PollAsync();
            await Task.Delay(400);
        }
    }
}
