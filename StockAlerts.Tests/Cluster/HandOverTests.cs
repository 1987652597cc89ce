using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Cluster;

/// <summary>
/// Two real instances on one MariaDB and one Redis share the shards; the owner of EURUSD's shard is killed with -9 and
/// the price crosses a level while no one owns the shard. The survivor takes the shard over and judges the move since
/// the dead owner's mark: that crossing fires once, and a crossing the owner had fired before it died does not fire again.
/// </summary>
[NonParallelizable]
[Category("Cluster")]
public sealed class HandOverTests
{
    private decimal eurusd = 1.14m;

    [Test]
    public async Task ALevelCrossedWhileItsOwnerIsDead_FiresOnceOnTheNewOwner_AndWhatTheOwnerFiredDoesNotFireAgain()
    {
        await using var quotes = await FakeQuoteServer.StartAsync();
        quotes.Fixer = _ => FakeResponse.FixerLatest(DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ("USD", eurusd.ToString(CultureInfo.InvariantCulture)), ("GBP", "0.86"), ("JPY", "180.4"), ("CHF", "0.93"), ("AUD", "1.78"), ("CAD", "1.62"));
        var database = await TestServers.MariaDb.CreateDatabaseAsync();
        // A Redis database of its own (the stream test's, run apart from this one), emptied of an earlier cluster.
        var redis = $"{TestServers.Redis.ConnectionString},defaultDatabase=0,allowAdmin=true";
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            await connection.GetServers()[0].FlushDatabaseAsync(0);
        }
        await using var first = StartHost("handover-a", database, redis, quotes);
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await using var second = StartHost("handover-b", database, redis, quotes);
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var hosts = new[] { first, second };
        // Shared once: a joiner's share stays with its old owner until the joiner serves, so both may claim it a moment.
        await Eventually.TrueAsync(async () => ClusterOwners.SharedOnce(await ClusterOwners.ReadAsync(redis), 2), "the two share the shards once", 30);
        var ownerId = ClusterOwners.OwnerOf(await ClusterOwners.ReadAsync(redis), "EURUSD");
        var owner = hosts.Single(host => host.ProcessId == ownerId);
        try
        {
            await CrossWhileTheOwnerIsDeadAsync(owner, hosts.Single(host => host != owner));
        }
        catch (Exception) when (Print(hosts))
        {
        }
    }

    private async Task CrossWhileTheOwnerIsDeadAsync(HostProcess owner, HostProcess survivor)
    {
        var user = await SignUpAsync(survivor);
        await Eventually.TrueAsync(async () => (await user.GetFromJsonAsync<JsonElement>("/api/prices/EURUSD")).GetProperty("price").GetDecimal() == 1.14m, "the first price", 20);
        var fired = await CreateAsync(user, 1.15m);
        var crossedWhileDead = await CreateAsync(user, 1.20m);

        eurusd = 1.16m;
        await Eventually.TrueAsync(async () => await FiringsAsync(user, fired) == 1, "the owner fires the crossing of 1.15", 20);
        // Long enough for the owner's mark to pass the firing's price (a poll a second).
        await Task.Delay(TimeSpan.FromSeconds(3));
        owner.Kill();
        eurusd = 1.21m;
        await Eventually.TrueAsync(async () => await FiringsAsync(user, crossedWhileDead) == 1, "the survivor fires the crossing of 1.20 made while no one owned the shard", 40);
        // Past a second takeover chance and a reconcile.
        await Task.Delay(TimeSpan.FromSeconds(7));
        var log = string.Join('\n', survivor.Log.Where(line => line.Contains("Cluster:", StringComparison.Ordinal)));

        Assert.That(await FiringsAsync(user, crossedWhileDead), Is.EqualTo(1), $"fired once, not missed and not twice:\n{log}");
        Assert.That(await FiringsAsync(user, fired), Is.EqualTo(1), $"the crossing the owner fired before it died is not fired again:\n{log}");
        Assert.That(log, Does.Contain("judged the moves of"));
    }

    /// <summary>The cluster's and the alerts' lines and the warnings of each host, for a failure (the exception goes on).</summary>
    private static bool Print(HostProcess[] hosts)
    {
        foreach (var host in hosts)
        {
            TestContext.Out.WriteLine($"--- {host.Name} ---\n" + string.Join('\n', host.Log.Where(line =>
                line.Contains("Cluster:", StringComparison.Ordinal) || line.Contains("Alerts:", StringComparison.Ordinal) || line.StartsWith("warn", StringComparison.Ordinal) || line.StartsWith("fail", StringComparison.Ordinal))));
        }
        return false;
    }

    private static HostProcess StartHost(string name, string database, string redis, FakeQuoteServer quotes) =>
        HostProcess.Start(name, new Dictionary<string, string>
        {
            ["Database__Provider"] = "MySql",
            ["ConnectionStrings__Database"] = database,
            ["ConnectionStrings__Redis"] = redis,
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory($"stockalerts-{name}-").FullName,
            ["Jobs__Schedule"] = "true",
            ["Prices__Providers__simulated__Enabled"] = "false",
            ["Prices__Providers__fixer__ApiKey"] = "fixer-secret-key",
            ["Prices__Providers__fixer__BaseUrl"] = quotes.BaseUrl + "/fixer",
            ["Prices__Providers__fixer__IntervalSeconds"] = "1",
            ["Prices__Providers__fixer__MonthlyQuota"] = "100000000",
            ["RateLimits__AuthPerMinute"] = "100000",
        });

    private static async Task<HttpClient> SignUpAsync(HostProcess host)
    {
        var client = host.CreateClient();
        var email = $"handover-{Guid.NewGuid():N}@example.com";
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, email, "Correct-Horse-42"));
        return client;
    }

    private static async Task<string> CreateAsync(HttpClient user, decimal level)
    {
        var response = await user.PostAsJsonAsync("/api/alerts", new
        {
            symbol = "EURUSD", condition = new { type = "crossesAbove", level }, frequency = new { type = "everyTime" }, channels = new[] { "live" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<int> FiringsAsync(HttpClient user, string rule) =>
        (await user.GetFromJsonAsync<JsonElement>($"/api/alerts/{rule}/firings")).GetProperty("items").GetArrayLength();
}
