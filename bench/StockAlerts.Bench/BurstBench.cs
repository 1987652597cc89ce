using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Bench;

/// <summary>
/// Firings to phones, on MariaDB + Redis, through the whole service: a price batch → the engine → firings committed →
/// notifications (one per firing, a delivery row per device) → the open apps' NotificationCreated → delivery jobs on
/// Hangfire → FCM (a local server speaking Google's token and FCM v1 wire formats, answering 200).
/// Burst: one price makes every rule of a symbol fire at once (100,000 rules of 1,000 users with 2 phones each).
/// Minute: 10,000 rules crossed one after another over a minute (a price batch a second), timed per firing.
/// The baseline is the database's own insert rate of the same rows, measured at the end of the same run.
/// </summary>
internal static class BurstBench
{
    private const string BurstSymbol = "BURST";
    private const int MinuteSymbols = 50;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var userCount = options.Int("users", 1000);
        var devicesEach = options.Int("devices", 2);
        var burstRules = options.Int("rules", 100_000);
        var minuteRules = options.Int("minute-rules", 10_000);
        var seconds = options.Int("seconds", 60);
        var liveUsers = Math.Min(options.Int("live-users", 50), userCount);
        if (options.Text("db-mysql") is null || options.Text("redis") is null)
        {
            Console.Error.WriteLine("the burst bench needs --db-mysql \"$(bench/mariadb.sh)\" and --redis \"$(bench/redis.sh)\"");
            return 2;
        }
        using var key = new ServiceAccountKey();
        await using var google = await FakeGoogleServer.StartAsync(key);
        var accepted = new ConcurrentQueue<long>();
        google.Fcm = request =>
        {
            accepted.Enqueue(Stopwatch.GetTimestamp());
            return FcmAnswers.Success(request);
        };
        var settings = BenchApp.QuietSettings(options);
        settings["Firebase:CredentialsPath"] = key.WriteFile(google.TokenUri);
        settings["Firebase:BaseUrl"] = google.BaseUrl;
        settings["Alerts:MaxActiveRulesPerUser"] = "1000000";
        // The open apps' accounts are registered and signed in from one address (the limiter still runs).
        settings["RateLimits:AuthPerMinute"] = "100000";
        if (options.Text("grace") is { } graceSetting)
        {
            settings["Notifications:LiveAckGraceSeconds"] = graceSetting;
        }
        Console.WriteLine($"burst bench: {userCount:N0} users with {devicesEach} phones each ({liveUsers} of them with the app open), "
            + $"burst: {burstRules:N0} rules firing on one price; minute: {minuteRules:N0} rules crossed over {seconds} s; MariaDB + Redis, FCM fake on {google.BaseUrl}");

        await using var app = new BenchApp(settings);
        app.UseKestrel(0);
        app.StartServer();
        var services = app.Services;
        var grace = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<StockAlerts.Modules.Notifications.NotificationsOptions>>().CurrentValue.LiveAckGraceSeconds;

        // The service's own spans mark when each hop of a batch ended: its firings committed, its notifications stored.
        var spans = new ConcurrentQueue<(string Name, long EndedAt, TimeSpan Duration)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StockAlerts.Modules.Shared.Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => spans.Enqueue((activity.OperationName, Stopwatch.GetTimestamp(), activity.Duration)),
        };
        ActivitySource.AddActivityListener(listener);
        double LastEnd(string name, long since) =>
            spans.Where(span => span.Name == name && span.EndedAt > since).Select(span => Stopwatch.GetElapsedTime(since, span.EndedAt).TotalSeconds).DefaultIfEmpty(double.NaN).Max();
        string Spent(string name, long since) =>
            $"{spans.Where(span => span.Name == name && span.EndedAt > since).Sum(span => span.Duration.TotalSeconds):0.00} s in {spans.Count(span => span.Name == name && span.EndedAt > since)} span(s)";

        using var counters = new Counters();
        var setup = Stopwatch.GetTimestamp();
        var (users, tokens) = await UsersAsync(app, userCount, liveUsers);
        await SeedInstrumentsAsync(services);
        await SeedDevicesAsync(services, users, devicesEach);
        var random = new Random(5);
        var burst = Enumerable.Range(0, burstRules).Select(index => Rule(users[index % users.Count], BurstSymbol, 101m + index % 9000 * 0.01m)).ToList();
        // Levels spread evenly over the minute's climb from 100 to 200, so firings come at an even pace.
        var minute = Enumerable.Range(0, minuteRules).Select(index => Rule(users[index % users.Count], $"M{index % MinuteSymbols:D2}", Math.Round(100.01m + (decimal)random.NextDouble() * 99.98m, 2))).ToList();
        await FiringsBench.SeedAsync(services, [.. burst, .. minute]);
        Console.WriteLine($"set up in {Stopwatch.GetElapsedTime(setup).TotalSeconds:0} s");

        // The open apps: a notifications hub connection per signed-in user.
        var received = new ConcurrentDictionary<Guid, long>();
        var hubs = new List<HubConnection>();
        foreach (var token in tokens)
        {
            var hub = StreamBench.Hub(app, "/hubs/notifications", token);
            hub.On<LiveNotification>("NotificationCreated", notification => received.TryAdd(notification.RuleId, Stopwatch.GetTimestamp()));
            await hub.StartAsync();
            hubs.Add(hub);
        }
        try
        {
            // Every symbol starts at 100: under every level, nothing fires.
            await IngestAsync(services, [BurstSymbol, .. Enumerable.Range(0, MinuteSymbols).Select(index => $"M{index:D2}")], 100m);
            await Task.Delay(2000);

            Console.WriteLine();
            Console.WriteLine($"-- burst: {BurstSymbol} 100 → 250, {burstRules:N0} rules fire (LiveAckGraceSeconds {grace}: pushes wait that long for the open app's Ack)");
            var liveBurst = burst.Where(rule => tokens.Count > 0 && users.IndexOf(rule.UserId) < liveUsers).Select(rule => rule.Id).ToHashSet();
            var started = Stopwatch.GetTimestamp();
            await IngestAsync(services, [BurstSymbol], 250m);
            var ingested = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var doneAt = await WaitAsync(counters, burstRules, (long)burstRules * devicesEach, started, TimeSpan.FromMinutes(5));
            var (sent, unsent) = (counters.Sent, counters.Unsent);
            var firingsAt = LastEnd("alerts.store_firings", started);
            var notificationsAt = LastEnd("notifications.store", started);
            var pushes = accepted.Where(at => at > started).ToList();
            var pushSeconds = pushes.Count == 0 ? 0 : Stopwatch.GetElapsedTime(started, pushes.Max()).TotalSeconds;
            var liveSeconds = liveBurst.Select(id => received.TryGetValue(id, out var at) ? Stopwatch.GetElapsedTime(started, at).TotalSeconds : double.NaN).ToList();
            Console.WriteLine($"ingest call returned after {ingested:0.00} s");
            Console.WriteLine($"evaluated: {Spent("alerts.evaluate", started)}");
            Console.WriteLine($"firings committed: {burstRules:N0} after {firingsAt:0.00} s ({burstRules / firingsAt:N0} firings/s; {Spent("alerts.store_firings", started)})");
            Console.WriteLine($"notifications stored: {burstRules:N0} with {(long)burstRules * devicesEach:N0} push rows after {notificationsAt:0.00} s "
                + $"({burstRules / (notificationsAt - firingsAt):N0} notifications/s after the firings; {Spent("notifications.store", started)})");
            Console.WriteLine($"open apps: {liveSeconds.Count(double.IsFinite):N0} of {liveBurst.Count:N0} NotificationCreated received, the last {liveSeconds.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max():0.00} s after the price");
            Console.WriteLine($"FCM: {pushes.Count:N0} pushes accepted (digests: one per phone), the first {(pushes.Count == 0 ? double.NaN : Stopwatch.GetElapsedTime(started, pushes.Min()).TotalSeconds):0.00} s, the last {pushSeconds:0.00} s after the price; "
                + $"{sent:N0} push rows sent, {unsent:N0} not; every row settled {doneAt:0.00} s after the price");
            Console.WriteLine($"burst: price → every notification handed to FCM in {pushSeconds:0.0} s (target ≤ 60 s): {(unsent == 0 && sent == (long)burstRules * devicesEach && pushSeconds <= 60 ? "met" : "NOT met")}");

            if (minuteRules == 0)
            {
                return 0;
            }
            Console.WriteLine();
            Console.WriteLine($"-- minute: {MinuteSymbols} symbols climb 100 → 200 in {seconds} price batches a second apart; {minuteRules:N0} rules cross once each");
            var batchStarts = new List<(long Ticks, DateTime Utc)>();
            var clock = Stopwatch.StartNew();
            for (var batch = 0; batch < seconds; batch++)
            {
                var price = Math.Round(100m + 100m * (batch + 1) / seconds, 2);
                batchStarts.Add((Stopwatch.GetTimestamp(), DateTime.UtcNow));
                await IngestAsync(services, Enumerable.Range(0, MinuteSymbols).Select(index => $"M{index:D2}").ToList(), price);
                var due = TimeSpan.FromSeconds(batch + 1) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }
            await WaitAsync(counters, burstRules + minuteRules, (long)(burstRules + minuteRules) * devicesEach, batchStarts[0].Ticks, TimeSpan.FromMinutes(3));
            // The batch each rule crossed in: the first whose price reached its level.
            int BatchOf(decimal level) => Enumerable.Range(0, seconds).First(batch => Math.Round(100m + 100m * (batch + 1) / seconds, 2) >= level);
            var crossed = minute.ToDictionary(rule => rule.Id, rule => BatchOf(rule.Condition.Level!.Value));
            var stored = await MinuteRowsAsync(services, crossed.Keys.ToHashSet());
            var live = minute.Where(rule => received.ContainsKey(rule.Id))
                .Select(rule => Stopwatch.GetElapsedTime(batchStarts[crossed[rule.Id]].Ticks, received[rule.Id]).TotalMilliseconds).ToList();
            var notified = stored.Notifications.Select(row => (row.CreatedAt - batchStarts[crossed[row.RuleId]].Utc).TotalMilliseconds).ToList();
            var pushed = stored.Pushes.Select(row => (row.DeliveredAt - batchStarts[crossed[row.RuleId]].Utc).TotalMilliseconds).ToList();
            Console.WriteLine($"fed in {clock.Elapsed.TotalSeconds:0.0} s; {stored.Notifications.Count:N0} notifications, {stored.Pushes.Count:N0} push rows sent ({counters.Unsent - unsent:N0} not)");
            Console.WriteLine($"price batch → notification stored: {Percentiles.Describe(notified, "ms")}");
            Console.WriteLine($"price batch → NotificationCreated at the open app ({live.Count:N0} firings of {liveUsers} users): {Percentiles.Describe(live, "ms")}");
            Console.WriteLine($"price batch → push accepted by FCM (the row marked sent): {Percentiles.Describe(pushed, "ms")}; of it {grace} s is the wait for a live Ack");

            Console.WriteLine();
            await DatabaseFloorAsync(services, burstRules, firingsAt, notificationsAt);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
        return 0;
    }

    private static AlertRule Rule(string user, string symbol, decimal level) =>
        new(Guid.NewGuid(), user, symbol, new AlertCondition(ConditionType.Above) { Level = level }) { Frequency = AlertFrequency.Once };

    /// <summary>
    /// The first users are real accounts, signed in (their open apps connect); the rest exist as the rules and devices
    /// name them (nothing on the path from a firing to a push reads the account).
    /// </summary>
    private static async Task<(List<string> Users, List<string> Tokens)> UsersAsync(BenchApp app, int count, int signedIn)
    {
        var users = new List<string>();
        var tokens = new List<string>();
        using var client = app.CreateClient();
        for (var index = 0; index < signedIn; index++)
        {
            var credentials = new { email = $"burst-{index}@example.com", password = "Correct-Horse-42" };
            (await client.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
            var login = await client.PostAsJsonAsync("/api/auth/login", credentials);
            login.EnsureSuccessStatusCode();
            tokens.Add((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
            await using var scope = app.Services.CreateAsyncScope();
            users.Add((await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(credentials.email))!.Id);
        }
        users.AddRange(Enumerable.Range(signedIn, count - signedIn).Select(index => $"burst-user-{index:D5}"));
        return (users, tokens);
    }

    private static async Task SeedInstrumentsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
        database.Instruments.AddRange(new[] { BurstSymbol }.Concat(Enumerable.Range(0, MinuteSymbols).Select(index => $"M{index:D2}")).Select(symbol => new Instrument
        {
            Symbol = symbol, Kind = InstrumentKind.Stock, Currency = "USD", DisplayName = symbol, ReferencePrice = 100m, Provider = "finnhub", CreatedAt = DateTime.UtcNow,
        }));
        await database.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<InstrumentCatalog>().Invalidate();
    }

    /// <summary>Phones as POST /api/devices stores them (an FCM registration token each).</summary>
    private static async Task SeedDevicesAsync(IServiceProvider services, List<string> users, int each)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = DateTime.UtcNow;
        database.Devices.AddRange(users.SelectMany(user => Enumerable.Range(0, each).Select(index => new DeviceRecord
        {
            Id = Guid.NewGuid(), UserId = user, Token = $"fcm-{user}-{index}", Platform = index % 2 == 0 ? "android" : "ios", CreatedAt = now, LastSeenAt = now,
        })));
        await database.SaveChangesAsync();
    }

    /// <summary>One price for each symbol, through the same ingest a provider's poll uses.</summary>
    private static async Task IngestAsync(IServiceProvider services, List<string> symbols, decimal price)
    {
        await using var scope = services.CreateAsyncScope();
        var now = DateTime.UtcNow;
        await scope.ServiceProvider.GetRequiredService<QuoteIngestor>().IngestAsync("bench", symbols.Select(symbol => new ProviderQuote(symbol, price, now)).ToList(), CancellationToken.None);
    }

    /// <summary>
    /// The service's own counters, read in this process (asking the database would load the database measured):
    /// notifications stored, and push rows finished per outcome.
    /// </summary>
    private sealed class Counters : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private long created;
        private long sent;
        private long unsent;

        public Counters()
        {
            listener.InstrumentPublished = (instrument, meters) =>
            {
                if (instrument.Meter.Name == StockAlerts.Modules.Shared.Telemetry.Name && instrument.Name is "stockalerts.notifications.created" or "stockalerts.notifications.deliveries")
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (instrument.Name == "stockalerts.notifications.created")
                {
                    Interlocked.Add(ref created, value);
                    return;
                }
                string? channel = null, outcome = null;
                foreach (var tag in tags)
                {
                    (channel, outcome) = tag.Key switch
                    {
                        "channel" => (tag.Value as string, outcome),
                        "outcome" => (channel, tag.Value as string),
                        _ => (channel, outcome),
                    };
                }
                if (channel == "push" && outcome is not null && outcome != "retry")
                {
                    Interlocked.Add(ref outcome == "sent" ? ref sent : ref unsent, value);
                }
            });
            listener.Start();
        }

        public long Created => Interlocked.Read(ref created);

        public long Sent => Interlocked.Read(ref sent);

        public long Unsent => Interlocked.Read(ref unsent);

        public void Dispose() => listener.Dispose();
    }

    /// <summary>Until the counters show <paramref name="notifications"/> stored and each one's push rows finished; seconds after <paramref name="started"/>.</summary>
    private static async Task<double> WaitAsync(Counters counters, long notifications, long pushRows, long started, TimeSpan limit)
    {
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            if (counters.Created >= notifications && counters.Sent + counters.Unsent >= pushRows)
            {
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            await Task.Delay(50);
        }
        Console.WriteLine($"gave up after {limit.TotalSeconds:0} s: {counters.Created:N0} notifications, {counters.Sent:N0} push rows sent, {counters.Unsent:N0} not");
        return double.NaN;
    }

    private static async Task<(List<(Guid RuleId, DateTime CreatedAt)> Notifications, List<(Guid RuleId, DateTime DeliveredAt)> Pushes)> MinuteRowsAsync(IServiceProvider services, HashSet<Guid> rules)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var notifications = (await database.Notifications.AsNoTracking().Select(row => new { row.Id, row.RuleId, row.CreatedAt }).ToListAsync())
            .Where(row => rules.Contains(row.RuleId)).ToList();
        var ruleOf = notifications.ToDictionary(row => row.Id, row => row.RuleId);
        var pushes = (await database.Deliveries.AsNoTracking().Where(row => row.Channel == "push" && row.Status == DeliveryStatus.Sent)
            .Select(row => new { row.NotificationId, row.DeliveredAt }).ToListAsync())
            .Where(row => ruleOf.ContainsKey(row.NotificationId)).Select(row => (ruleOf[row.NotificationId], row.DeliveredAt!.Value)).ToList();
        return (notifications.Select(row => (row.RuleId, row.CreatedAt)).ToList(), pushes);
    }

    /// <summary>
    /// The database alone: the stored firings, notifications and delivery rows read back, the tables emptied, and the
    /// same rows written again with the service's own multi-row commands, one transaction per table.
    /// </summary>
    private static async Task DatabaseFloorAsync(IServiceProvider services, int burstRules, double firingsAt, double notificationsAt)
    {
        await using var scope = services.CreateAsyncScope();
        var alerts = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var notifications = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var firingRows = await alerts.Firings.AsNoTracking().ToListAsync();
        var notificationRows = await notifications.Notifications.AsNoTracking().ToListAsync();
        var deliveryRows = await notifications.Deliveries.AsNoTracking().ToListAsync();
        await notifications.Database.OpenConnectionAsync();
        await notifications.Database.ExecuteSqlRawAsync("SET FOREIGN_KEY_CHECKS = 0");
        foreach (var table in new[] { new TableCommands(notifications, typeof(DeliveryRecord)).Table, new TableCommands(notifications, typeof(NotificationRecord)).Table })
        {
            await notifications.Database.ExecuteSqlRawAsync("TRUNCATE TABLE " + table);
        }
        await alerts.Database.OpenConnectionAsync();
        await alerts.Database.ExecuteSqlRawAsync("SET FOREIGN_KEY_CHECKS = 0");
        await alerts.Database.ExecuteSqlRawAsync("TRUNCATE TABLE " + new TableCommands(alerts, typeof(AlertFiringRecord)).Table);

        async Task<double> TimedAsync<T>(DbContext database, List<T> rows) where T : class
        {
            var started = Stopwatch.GetTimestamp();
            await using var transaction = await database.Database.BeginTransactionAsync();
            await new TableCommands(database, typeof(T)).InsertAsync(rows, CancellationToken.None);
            await transaction.CommitAsync();
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        var firingSeconds = await TimedAsync(alerts, firingRows);
        var notificationSeconds = await TimedAsync(notifications, notificationRows);
        var deliverySeconds = await TimedAsync(notifications, deliveryRows);
        Console.WriteLine($"database floor (the same rows written again, multi-row inserts, one commit per table): firings {firingRows.Count / firingSeconds:N0}/s, "
            + $"notifications {notificationRows.Count / notificationSeconds:N0}/s, delivery rows {deliveryRows.Count / deliverySeconds:N0}/s");
        var floorBurst = burstRules / (double)firingRows.Count * firingSeconds;
        var floorNotifications = burstRules / (double)notificationRows.Count * (notificationSeconds + deliverySeconds);
        Console.WriteLine($"burst vs floor: firings {firingsAt:0.00} s vs {floorBurst:0.00} s bare ({floorBurst / firingsAt:P0}), "
            + $"notifications with their delivery rows {notificationsAt - firingsAt:0.00} s after the firings vs {floorNotifications:0.00} s bare ({floorNotifications / (notificationsAt - firingsAt):P0})");
    }
}
