using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>Realtime:MaxConnectionsPerUser, counted in process (embedded) or in Redis (production, across instances).</summary>
public sealed class HubConnectionLimitTests
{
    [TestCase(StorageKind.Sqlite)]
    [TestCase(StorageKind.MariaDb)]
    public async Task AConnectionBeyondTheCap_IsRefusedWithTheReason_WhileAnotherUserStillConnects(StorageKind storage)
    {
        await using var app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Realtime:MaxConnectionsPerUser"] = "2" });
        var alice = await app.SignInAsync();
        var bob = await app.SignInAsync();

        await using var prices = await HubClients.ConnectAsync(app, alice, "/hubs/prices");
        await using var notifications = await HubClients.ConnectAsync(app, alice, "/hubs/notifications");
        await CountedAsync(prices, notifications);
        var refusal = await RefusalAsync(app, alice, "/hubs/prices");
        await using var bobs = await HubClients.ConnectAsync(app, bob, "/hubs/prices");

        Assert.That(refusal, Does.Contain("Connection refused").And.Contain("already has 2 live connections"));
        Assert.That(await SubscribeAsync(bobs), Is.EqualTo(HubConnectionState.Connected), "another user is not affected");
        Assert.That(await SubscribeAsync(prices), Is.EqualTo(HubConnectionState.Connected), "the connections within the cap keep working");
    }

    [TestCase(StorageKind.Sqlite)]
    [TestCase(StorageKind.MariaDb)]
    public async Task AClosedConnection_GivesItsPlaceBack(StorageKind storage)
    {
        await using var app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Realtime:MaxConnectionsPerUser"] = "1" });
        var alice = await app.SignInAsync();

        await (await HubClients.ConnectAsync(app, alice, "/hubs/prices")).DisposeAsync();
        var again = await ConnectWhenFreeAsync(app, alice);

        Assert.That(await SubscribeAsync(again), Is.EqualTo(HubConnectionState.Connected));
        await again.DisposeAsync();
    }

    [Test]
    public async Task TwoInstancesOnOneRedis_ShareTheCap()
    {
        var cap = new Dictionary<string, string?> { ["Realtime:MaxConnectionsPerUser"] = "2" };
        await using var hostA = await TestApp.StartAsync(StorageKind.MariaDb, cap);
        await using var hostB = await TestApp.StartAsync(StorageKind.MariaDb, new Dictionary<string, string?>(cap)
        {
            ["ConnectionStrings:Database"] = hostA.Settings["ConnectionStrings:Database"],
            ["ConnectionStrings:Redis"] = hostA.Settings["ConnectionStrings:Redis"],
            ["Prices:Providers:simulated:Enabled"] = "false",
        });
        var onA = await hostA.SignInAsync();
        var onB = hostB.CreateClient();
        onB.DefaultRequestHeaders.Authorization = onA.DefaultRequestHeaders.Authorization;

        await using var first = await HubClients.ConnectAsync(hostA, onA, "/hubs/prices");
        await using var second = await HubClients.ConnectAsync(hostB, onB, "/hubs/prices");
        await CountedAsync(first, second);
        var refusedOnA = await RefusalAsync(hostA, onA, "/hubs/notifications");
        var refusedOnB = await RefusalAsync(hostB, onB, "/hubs/notifications");

        Assert.That(refusedOnA, Does.Contain("already has 2 live connections"));
        Assert.That(refusedOnB, Does.Contain("already has 2 live connections"));
    }

    /// <summary>
    /// The server answers the handshake before it runs OnConnectedAsync (where the cap counts), and it serves
    /// invocations only after; one round trip on each connection makes sure they are counted before the next one.
    /// </summary>
    private static async Task CountedAsync(params HubConnection[] connections)
    {
        foreach (var connection in connections)
        {
            try
            {
                // Any invocation is a round trip; an unknown method is answered with an error, after OnConnectedAsync.
                await connection.InvokeAsync("RoundTrip");
            }
            catch (HubException)
            {
            }
        }
    }

    /// <summary>A round trip through the hub: the connection is not only open but served.</summary>
    private static async Task<HubConnectionState> SubscribeAsync(HubConnection connection)
    {
        await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AAPL" });
        return connection.State;
    }

    /// <summary>The server ends a refused connection right after the handshake, with the reason in the close message.</summary>
    private static async Task<string> RefusalAsync(TestApp app, HttpClient user, string path)
    {
        await using var connection = HubClients.Build(app, user, path);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += exception =>
        {
            closed.TrySetResult(exception);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception exception)
        {
            return exception.Message;
        }
        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return reason?.Message ?? "closed without a reason";
    }

    /// <summary>The server forgets a closed connection a moment after the client has gone.</summary>
    private static async Task<HubConnection> ConnectWhenFreeAsync(TestApp app, HttpClient user)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = HubClients.Build(app, user, "/hubs/prices");
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Closed += _ =>
            {
                closed.TrySetResult();
                return Task.CompletedTask;
            };
            await connection.StartAsync();
            if (await Task.WhenAny(closed.Task, Task.Delay(500)) != closed.Task)
            {
                return connection;
            }
            await connection.DisposeAsync();
            if (attempt == 10)
            {
                Assert.Fail("the closed connection's place was never given back");
            }
        }
    }
}
