using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Cluster;

/// <summary>
/// Two real host processes on one MariaDB and one Redis share Finnhub's one-connection plan: only the holder of the
/// lease connects, and when it is killed the other takes the stream over and its prices come from the trades.
/// </summary>
[NonParallelizable]
[Category("Cluster")]
public sealed class StreamTakeoverTests
{
    [Test]
    public async Task OneInstanceHoldsTheStream_AndAnotherTakesItOverWhenItIsKilled()
    {
        await using var stream = await FakeFinnhubStream.StartAsync();
        await using var quotes = await FakeQuoteServer.StartAsync();
        quotes.Finnhub = _ => FakeResponse.FinnhubUnknownSymbol();
        var database = await TestServers.MariaDb.CreateDatabaseAsync();
        // A Redis database of its own, so no other test's lease or prices come into it.
        var redis = $"{TestServers.Redis.ConnectionString},defaultDatabase=0";
        await using var first = StartHost("stream-a", database, redis, stream, quotes);
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var user = await SignUpAsync(first);
        var created = await user.PostAsJsonAsync("/api/alerts", new { symbol = "AAPL", condition = new { type = "crossesAbove", level = 1_000 }, channels = new[] { "live" } });
        created.EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => stream.Subscribed.Contains("AAPL"), "the first instance follows AAPL", 20);

        await using var second = StartHost("stream-b", database, redis, stream, quotes);
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.That(stream.Connections, Is.EqualTo(1), "the second instance waits: the plan allows one connection");

        first.Kill();
        await Eventually.TrueAsync(() => stream.Connections == 2 && stream.Subscribed.Contains("AAPL"), "the second instance took the stream over", 40);
        await stream.TradeAsync(("AAPL", 187.5m));
        var reader = await SignInAsync(second, user);

        await Eventually.TrueAsync(async () => (await reader.GetFromJsonAsync<JsonElement>("/api/prices/AAPL")).GetProperty("price").GetDecimal() == 187.5m,
            "the trade as AAPL's price on the second instance", 15);
    }

    private static HostProcess StartHost(string name, string database, string redis, FakeFinnhubStream stream, FakeQuoteServer quotes) =>
        HostProcess.Start(name, new Dictionary<string, string>
        {
            ["Database__Provider"] = "MySql",
            ["ConnectionStrings__Database"] = database,
            ["ConnectionStrings__Redis"] = redis,
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory($"stockalerts-{name}-").FullName,
            ["Jobs__Schedule"] = "false",
            ["Prices__Providers__simulated__Enabled"] = "false",
            ["Prices__Providers__finnhub__ApiKey"] = "stream-key",
            ["Prices__Providers__finnhub__BaseUrl"] = quotes.BaseUrl + "/finnhub",
            ["Prices__Providers__finnhub__IntervalSeconds"] = "3600",
            ["Prices__Providers__finnhub__Stream__Url"] = stream.Url,
            ["RateLimits__AuthPerMinute"] = "100000",
        });

    private static async Task<HttpClient> SignUpAsync(HostProcess host)
    {
        var client = host.CreateClient();
        var email = $"stream-{Guid.NewGuid():N}@example.com";
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, email, "Correct-Horse-42"));
        client.DefaultRequestHeaders.Add("X-Test-Email", email);
        return client;
    }

    private static async Task<HttpClient> SignInAsync(HostProcess host, HttpClient signedUp)
    {
        var email = signedUp.DefaultRequestHeaders.GetValues("X-Test-Email").Single();
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, email, "Correct-Horse-42"));
        return client;
    }
}
