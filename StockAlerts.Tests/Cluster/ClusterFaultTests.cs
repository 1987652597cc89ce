using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MySqlConnector;
using StackExchange.Redis;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Cluster;

/// <summary>
/// Three real instances on one MariaDB and one Redis of this fixture's own, sharing the symbols' shards (each rule is
/// evaluated by one of them), users with two phones each creating "once" rules that must each fire exactly once, while
/// mid-burst Redis or MariaDB is stopped and started again, the owner of most of the rules' symbols is killed with
/// -9, or a fourth instance joins. Afterwards every rule has one firing, every firing one notification, every phone
/// got each notification once, each user's open app (one SignalR connection, moved to another instance when its own
/// goes) got each of its user's notifications live and none again once its acknowledgement counted, and the
/// instances' indexes hold every rule once between them.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Cluster")]
public sealed class ClusterFaultTests
{
    private const int Instances = 3;
    private const int Users = 10;
    private const int Rules = 100;
    // A delivery run that died holding its rows (killed, or its database gone) leaves them after this.
    private const int ClaimSeconds = 20;
    private const int ReconcileSeconds = 5;
    private static readonly TimeSpan CreateEvery = TimeSpan.FromMilliseconds(200);
    private static readonly string[] Symbols = ["EURUSD", "GBPUSD", "USDJPY", "USDCHF", "AUDUSD", "USDCAD"];

    private MariaDbServer mariaDb = null!;
    private RedisServer redis = null!;
    private ServiceAccountKey key = null!;
    private FakeGoogleServer google = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        mariaDb = await MariaDbServer.StartOwnAsync();
        redis = await RedisServer.StartOwnAsync(appendOnly: true);
        key = new ServiceAccountKey();
        google = await FakeGoogleServer.StartAsync(key);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await google.DisposeAsync();
        key.Dispose();
        await redis.DisposeAsync();
        await mariaDb.DisposeAsync();
    }

    [Test]
    public Task RedisStoppedAndStartedMidBurst_NothingLostNothingDoubled() =>
        RunAsync("Redis stopped for 10 s", async _ =>
        {
            await redis.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(10));
            await redis.StartAgainAsync();
        });

    [Test]
    public Task MariaDbStoppedAndStartedMidBurst_NothingLostNothingDoubled() =>
        RunAsync("MariaDB stopped for 10 s", async _ =>
        {
            await mariaDb.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(10));
            await mariaDb.StartAgainAsync();
        });

    [Test]
    public Task AnOwnerKilledMidBurst_ItsShardsMove_NothingLostNothingDoubled() =>
        RunAsync("the owner of most symbols killed with -9", async cluster =>
        {
            var owners = await OwnersAsync();
            var victim = cluster.Hosts.MaxBy(host => Symbols.Count(symbol => OwnerOf(owners, symbol) == host.ProcessId))!;
            TestContext.Progress.WriteLine($"{victim.Name} owns {string.Join(", ", Symbols.Where(symbol => OwnerOf(owners, symbol) == victim.ProcessId))}");
            victim.Kill();
            var killed = DateTime.UtcNow;
            // Measured, not asserted: the survivors' lease check and their read of the moved shards.
            var covered = await WaitUntilAsync(async () =>
            {
                var now = await OwnersAsync();
                return now.Count == Instances - 1 && now.Values.Aggregate(0UL, (all, owner) => all | owner.Shards) == ulong.MaxValue;
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
            TestContext.Progress.WriteLine($"every shard owned by the survivors {(DateTime.UtcNow - killed).TotalSeconds:0.0} s after the kill ({covered})");
        }, expectedInstances: Instances - 1);

    [Test]
    public Task AnInstanceAddedMidBurst_TakesItsShards_NothingLostNothingDoubled() =>
        RunAsync("a fourth instance added", async cluster =>
        {
            var added = StartHost(Instances, cluster.Database);
            lock (cluster.Hosts)
            {
                cluster.Hosts.Add(added);
            }
            await added.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }, expectedInstances: Instances + 1);

    /// <summary>Failures with the two lines after each (the message and the exception's type), and the alerts' lines.</summary>
    private static IEnumerable<string> Notable(List<string> log) =>
        log.Where((line, index) => line.Contains("Alerts:", StringComparison.Ordinal)
            || log.Skip(Math.Max(0, index - 2)).Take(Math.Min(3, index + 1)).Any(near => near.StartsWith("fail:", StringComparison.Ordinal)));

    private async Task RunAsync(string fault, Func<(List<HostProcess> Hosts, string Database), Task> act, int expectedInstances = Instances)
    {
        var database = await mariaDb.CreateDatabaseAsync();
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true"))
        {
            // A Redis restarted by the previous test may still be loading its append-only file.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await connection.GetServers()[0].FlushAllDatabasesAsync();
                    break;
                }
                catch (RedisServerException loading) when (loading.Message.StartsWith("LOADING", StringComparison.Ordinal) && attempt < 50)
                {
                    await Task.Delay(200);
                }
            }
        }
        google.Reset();
        var hosts = new List<HostProcess>();
        var apps = new List<LiveApp>();
        try
        {
            // Started together on the empty database, as an orchestrator starts replicas: one migrates under the
            // database's lock while the others wait for it, and they join one at a time.
            hosts.AddRange(Enumerable.Range(0, Instances).Select(index => StartHost(index, database)));
            await Task.WhenAll(hosts.Select(host => host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90))));

            // The three share the 64 shards once each has seen the others ready: each shard one owner.
            var shared = await WaitUntilAsync(async () => SharedOnce(await OwnersAsync(), Instances), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            Assert.That(shared, Is.True, $"the instances share the shards, each one owner: {Describe(await OwnersAsync())}");

            var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(index => SignUpAsync(hosts[index % Instances], index)));
            apps.AddRange(await Task.WhenAll(users.Select(user => LiveApp.OpenAsync(() => Snapshot(hosts), user.Index, user.Client.DefaultRequestHeaders.Authorization!.Parameter!))));
            var outcomes = new ConcurrentDictionary<decimal, HttpStatusCode?>();
            var burst = CreateRulesAsync(hosts.ToList(), users, outcomes);
            await Task.Delay(TimeSpan.FromSeconds(8));
            TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {fault}");
            await act((hosts, database));
            TestContext.Progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} done: {fault}");
            await burst;

            var created = outcomes.Where(outcome => outcome.Value == HttpStatusCode.Created).Select(outcome => outcome.Key).ToHashSet();
            var refused = outcomes.Where(outcome => outcome.Value == HttpStatusCode.ServiceUnavailable).Select(outcome => outcome.Key).ToHashSet();
            var unexpected = outcomes.Where(outcome => outcome.Value is not (HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable or null)).ToList();
            TestContext.Progress.WriteLine($"rules: {created.Count} created, {refused.Count} answered 503, {outcomes.Count(outcome => outcome.Value is null)} without an answer");

            // Settled: every stored rule fired and every phone has heard of every notification of its user. A delivery
            // run that claimed its rows and then lost the database holds them for its lease, by design: the wait covers
            // that lease and the sweep after it (a CI run once timed out at 120 s, under the lease plus a sweep).
            StoredState? last = null;
            var settled = await WaitUntilAsync(async () =>
            {
                var state = last = await ReadAsync(database);
                return state.Rules.Count > 0 && state.Rules.All(rule => state.FiringsPerRule.GetValueOrDefault(rule.Id) >= 1)
                    && state.Notifications.Count >= state.Rules.Count && AllPushed(state) && AllLive(state, apps);
            }, TimeSpan.FromSeconds(ClaimSeconds + 90));
            if (!settled && last is { } unsettled)
            {
                TestContext.Out.WriteLine($"not settled: {unsettled.Rules.Count(rule => unsettled.FiringsPerRule.GetValueOrDefault(rule.Id) == 0)} of {unsettled.Rules.Count} rules without a firing, "
                    + $"{unsettled.Notifications.Count} notifications, {google.Messages.Count} pushes, all pushed: {AllPushed(unsettled)}, all live: {AllLive(unsettled, apps)}");
            }
            // Long enough for two reconciles on every instance, where a stale memory used to fire a second time.
            await Task.Delay(TimeSpan.FromSeconds(2 * ReconcileSeconds + 1));
            var final = await ReadAsync(database);
            var pushes = PushesPerDevice();
            // Each rule in one instance's index: the rule counts the owners last said add up to the stored rules.
            IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners = new Dictionary<string, (ulong, int)>();
            await WaitUntilAsync(async () =>
            {
                owners = await OwnersAsync();
                return SharedOnce(owners, expectedInstances) && owners.Values.Sum(owner => owner.Rules) == final.Rules.Count;
            }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(500));
            TestContext.Progress.WriteLine($"owners: {Describe(owners)}");

            Assert.Multiple(() =>
            {
                Assert.That(unexpected, Is.Empty, "a write answers 201 or 503 with Retry-After, nothing else");
                Assert.That(SharedOnce(owners, expectedInstances), Is.True, $"the live instances share the shards, each one owner: {Describe(owners)}");
                Assert.That(owners.Values.Sum(owner => owner.Rules), Is.EqualTo(final.Rules.Count), $"every rule in one index: {Describe(owners)}");
                Assert.That(created, Is.Not.Empty);
                Assert.That(final.Rules.Select(rule => rule.Level).Where(level => created.Contains(level) || refused.Contains(level)).Order(),
                    Is.EqualTo(created.Order()), "every 201 is a stored rule and no 503 left one behind");
                Assert.That(settled, Is.True, "every rule fired and every notification reached its phones");
                Assert.That(final.Rules.Where(rule => final.FiringsPerRule.GetValueOrDefault(rule.Id) != 1).Select(rule => $"{rule.Id}: {final.FiringsPerRule.GetValueOrDefault(rule.Id)} firings"),
                    Is.Empty, "every once-rule fired exactly once");
                Assert.That(final.Notifications.GroupBy(notification => notification.FiringId).Where(group => group.Count() > 1).Select(group => group.Key), Is.Empty,
                    "one notification per firing");
                Assert.That(final.Notifications, Has.Count.EqualTo(final.FiringsPerRule.Values.Sum()));
                foreach (var device in final.Devices)
                {
                    var expected = final.Notifications.Where(notification => notification.UserId == device.UserId).Select(notification => notification.Id).Order().ToList();
                    var received = pushes.GetValueOrDefault(device.Token) ?? [];
                    Assert.That(received.Order().ToList(), Is.EqualTo(expected), $"device {device.Token} got each of its user's notifications exactly once");
                }
                foreach (var (app, index) in apps.Select((app, index) => (app, index)))
                {
                    var expected = final.Notifications.Where(notification => notification.UserId == UserOf(final, index)).Select(notification => Guid.Parse(notification.Id)).Order().ToList();
                    Assert.That(app.Received.Keys.Order().ToList(), Is.EqualTo(expected), $"user {index}'s open app got each of its user's notifications live, and no one else's");
                    Assert.That(app.AfterAcknowledged, Is.Empty, $"user {index}'s open app got nothing again once its acknowledgement counted");
                }
            });
            TestContext.Progress.WriteLine($"{final.Rules.Count} rules, {final.FiringsPerRule.Values.Sum()} firings, {final.Notifications.Count} notifications, {google.Messages.Count} pushes, "
                + $"{apps.Sum(app => app.Received.Values.Sum())} live messages ({apps.Sum(app => app.Received.Values.Sum(times => times - 1))} of them again, before an acknowledgement counted) over {apps.Sum(app => app.Connections)} connections");
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
            foreach (var host in hosts)
            {
                if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
                {
                    TestContext.Out.WriteLine($"--- {host.Name} ---\n{string.Join('\n', Notable(host.Log.ToList()))}");
                }
                await host.DisposeAsync();
            }
            await mariaDb.DropDatabaseAsync(database);
        }
    }

    private HostProcess StartHost(int index, string database) =>
        HostProcess.Start($"instance-{index}", new Dictionary<string, string>
        {
            ["Database__Provider"] = "MySql",
            ["ConnectionStrings__Database"] = database,
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory($"stockalerts-cluster-{index}-").FullName,
            ["Jobs__Schedule"] = "true",
            ["Firebase__CredentialsPath"] = key.WriteFile(google.TokenUri),
            ["Firebase__BaseUrl"] = google.BaseUrl,
            ["Notifications__LiveAckGraceSeconds"] = "1",
            ["Notifications__LiveResendSeconds"] = "3",
            ["Notifications__ClaimSeconds"] = ClaimSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A gap of more than 5 s in the feed counts as one (the outage below is 10 s).
            ["Prices__MinimumStaleSeconds"] = "5",
            ["Alerts__ReconcileSeconds"] = ReconcileSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits__AuthPerMinute"] = "100000",
            ["RateLimits__PerAddressPerMinute"] = "100000",
            ["RateLimits__PerUserPerMinute"] = "100000",
        });

    private Task<IReadOnlyDictionary<string, (ulong Shards, int Rules)>> OwnersAsync() => ClusterOwners.ReadAsync(redis.ConnectionString);

    private static bool SharedOnce(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners, int instances) => ClusterOwners.SharedOnce(owners, instances);

    private static string Describe(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners) => ClusterOwners.Describe(owners);

    private static int? OwnerOf(IReadOnlyDictionary<string, (ulong Shards, int Rules)> owners, string symbol) => ClusterOwners.OwnerOf(owners, symbol);

    private static async Task<(HttpClient Client, int Index)> SignUpAsync(HostProcess host, int index)
    {
        var client = host.CreateClient();
        var email = $"cluster-{index}-{Guid.NewGuid():N}@example.com";
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, email, "Correct-Horse-42"));
        for (var phone = 0; phone < 2; phone++)
        {
            (await client.PostAsJsonAsync("/api/devices", new { token = $"cluster-{index}-{phone}-{Guid.NewGuid():N}", platform = "android" })).EnsureSuccessStatusCode();
        }
        return (client, index);
    }

    /// <summary>One rule every 200 ms, each on a random instance, as its user; answers recorded by level (unique per rule).</summary>
    private static async Task CreateRulesAsync(List<HostProcess> hosts, (HttpClient Client, int Index)[] users, ConcurrentDictionary<decimal, HttpStatusCode?> outcomes)
    {
        var random = new Random(42);
        var requests = new List<Task>();
        for (var rule = 0; rule < Rules; rule++)
        {
            var user = users[rule % users.Length];
            var host = hosts[random.Next(hosts.Count)];
            var level = 0.1m + rule * 0.0001m;
            var body = new { symbol = Symbols[rule % Symbols.Length], condition = new { type = "above", level }, frequency = new { type = "once" }, channels = new[] { "push", "live" } };
            requests.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "/api/alerts")) { Content = JsonContent.Create(body) };
                request.Headers.Authorization = user.Client.DefaultRequestHeaders.Authorization;
                try
                {
                    using var response = await user.Client.SendAsync(request);
                    outcomes[level] = response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.That(response.Headers.RetryAfter, Is.Not.Null, "503 carries Retry-After");
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    outcomes[level] = null;
                }
            }));
            await Task.Delay(CreateEvery);
        }
        await Task.WhenAll(requests);
    }

    private bool AllPushed(StoredState state)
    {
        var pushes = PushesPerDevice();
        return state.Devices.All(device =>
            state.Notifications.Where(notification => notification.UserId == device.UserId)
                .All(notification => pushes.GetValueOrDefault(device.Token)?.Contains(notification.Id) == true));
    }

    private static bool AllLive(StoredState state, List<LiveApp> apps) =>
        apps.Select((app, index) => (app, index)).All(open => state.Notifications.Where(notification => notification.UserId == UserOf(state, open.index))
            .All(notification => open.app.Received.ContainsKey(Guid.Parse(notification.Id))));

    /// <summary>The user signed up as number index, known by the tokens of its phones.</summary>
    private static string? UserOf(StoredState state, int index) =>
        state.Devices.FirstOrDefault(device => device.Token.StartsWith($"cluster-{index}-", StringComparison.Ordinal))?.UserId;

    private static IReadOnlyList<HostProcess> Snapshot(List<HostProcess> hosts)
    {
        lock (hosts)
        {
            return hosts.ToList();
        }
    }

    /// <summary>Notification ids each phone received, once per time received (a digest counts each id in it).</summary>
    private Dictionary<string, List<string>> PushesPerDevice() =>
        google.Messages.Where(message => message.Token is not null)
            .GroupBy(message => message.Token!)
            .ToDictionary(group => group.Key, group => group.SelectMany(message =>
            {
                var data = message.Message["data"]?.AsObject();
                var ids = data?["notificationIds"]?.GetValue<string>() ?? data?["notificationId"]?.GetValue<string>() ?? "";
                return ids.Split(',', StringSplitOptions.RemoveEmptyEntries);
            }).ToList());

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (RedisException)
            {
                // Redis itself may be the fault of the round.
            }
            await Task.Delay(every ?? TimeSpan.FromSeconds(2));
        }
        return false;
    }

    private static async Task<StoredState> ReadAsync(string database)
    {
        await using var connection = new MySqlConnection(database);
        await connection.OpenAsync();
        var rules = await QueryAsync(connection, "SELECT Id, Level FROM alerts_rules", reader => (Id: reader.GetValue(0).ToString()!, Level: reader.GetDecimal(1)));
        var firings = await QueryAsync(connection, "SELECT RuleId, COUNT(*) FROM alerts_firings GROUP BY RuleId", reader => (RuleId: reader.GetValue(0).ToString()!, Count: reader.GetInt32(1)));
        var notifications = await QueryAsync(connection, "SELECT Id, UserId, FiringId FROM notifications_notifications",
            reader => new StoredNotification(reader.GetValue(0).ToString()!, reader.GetString(1), reader.GetValue(2).ToString()!));
        var devices = await QueryAsync(connection, "SELECT Token, UserId FROM notifications_devices", reader => new StoredDevice(reader.GetString(0), reader.GetString(1)));
        return new StoredState(rules.Select(rule => new StoredRule(rule.Id, rule.Level)).ToList(), firings.ToDictionary(firing => firing.RuleId, firing => firing.Count), notifications, devices);
    }

    private static async Task<List<T>> QueryAsync<T>(MySqlConnection connection, string sql, Func<MySqlDataReader, T> read)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private sealed record StoredRule(string Id, decimal Level);

    private sealed record StoredNotification(string Id, string UserId, string FiringId);

    private sealed record StoredDevice(string Token, string UserId);

    private sealed record StoredState(List<StoredRule> Rules, Dictionary<string, int> FiringsPerRule, List<StoredNotification> Notifications, List<StoredDevice> Devices);
}
