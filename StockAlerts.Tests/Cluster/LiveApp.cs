using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using StockAlerts.Modules.Notifications.Live;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Cluster;

/// <summary>
/// One user's open app on a cluster of real host processes: one SignalR connection to one instance, moved to the
/// next instance when its own goes away (as behind a load balancer), acknowledging each notification as the web app
/// does. Counts what arrived live: each id and how often, and whatever came again well after its acknowledgement
/// had counted.
/// </summary>
internal sealed class LiveApp : IAsyncDisposable
{
    // A send the server had started before the acknowledgement counted may still arrive just after it.
    private static readonly TimeSpan InFlight = TimeSpan.FromSeconds(2);
    private readonly Func<IReadOnlyList<HostProcess>> hosts;
    private readonly string token;
    private readonly CancellationTokenSource closing = new();
    private readonly ConcurrentDictionary<Guid, DateTime> acknowledged = new();
    private HubConnection? connection;
    private int next;
    private int connections;

    private LiveApp(Func<IReadOnlyList<HostProcess>> hosts, int first, string token)
    {
        this.hosts = hosts;
        next = first;
        this.token = token;
    }

    public ConcurrentDictionary<Guid, int> Received { get; } = new();

    /// <summary>Notifications that arrived again more than a moment after the server had counted their acknowledgement.</summary>
    public ConcurrentQueue<Guid> AfterAcknowledged { get; } = new();

    public int Connections => connections;

    public static async Task<LiveApp> OpenAsync(Func<IReadOnlyList<HostProcess>> hosts, int first, string token)
    {
        var app = new LiveApp(hosts, first, token);
        await app.ConnectAsync();
        return app;
    }

    private async Task ConnectAsync()
    {
        while (!closing.IsCancellationRequested)
        {
            var all = hosts();
            var host = all[next++ % all.Count];
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(host.Address, "/hubs/notifications"), options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.SkipNegotiation = true;
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                })
                .Build();
            hub.On<LiveNotification>(nameof(INotificationsClient.NotificationCreated), notification => Receive(hub, notification.Id));
            hub.Closed += error =>
            {
                // Its instance went away (or closed it): the app connects again, to the next one.
                if (!closing.IsCancellationRequested)
                {
                    _ = ConnectAsync();
                }
                return Task.CompletedTask;
            };
            try
            {
                await hub.StartAsync(closing.Token);
                connection = hub;
                Interlocked.Increment(ref connections);
                return;
            }
            catch (Exception) when (!closing.IsCancellationRequested)
            {
                await hub.DisposeAsync();
                await Task.Delay(300);
            }
        }
    }

    private void Receive(HubConnection hub, Guid id)
    {
        if (acknowledged.TryGetValue(id, out var at) && DateTime.UtcNow - at > InFlight)
        {
            AfterAcknowledged.Enqueue(id);
        }
        Received.AddOrUpdate(id, 1, (_, times) => times + 1);
        _ = AcknowledgeAsync(hub, id);
    }

    private async Task AcknowledgeAsync(HubConnection hub, Guid id)
    {
        try
        {
            if (await hub.InvokeAsync<bool>("Ack", id, closing.Token))
            {
                acknowledged.TryAdd(id, DateTime.UtcNow);
            }
        }
        catch (Exception)
        {
            // The database or the instance may be the round's fault: unacknowledged, it is sent again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        if (connection is { } open)
        {
            await open.DisposeAsync();
        }
    }
}
