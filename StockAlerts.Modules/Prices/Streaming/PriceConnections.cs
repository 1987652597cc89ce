using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>
/// The prices hub's connections open on this instance, so the live stream writes to them directly: every instance
/// sees every price (the poll's own, or relayed to it), so live prices need no backplane (a group send through it was
/// a Redis publish per symbol and flush, read back by every instance).
/// </summary>
internal sealed class PriceConnections
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> open = new(StringComparer.Ordinal);

    public HubConnectionContext? Find(string connectionId) => open.GetValueOrDefault(connectionId);

    public void Add(HubConnectionContext connection) => open[connection.ConnectionId] = connection;

    public void Remove(HubConnectionContext connection) => open.TryRemove(connection.ConnectionId, out _);

    /// <summary>
    /// Wraps the lifetime manager SignalR would use for the prices hub (in process, or on the Redis backplane) to
    /// learn of connections as they open and close; everything else passes through to it.
    /// </summary>
    public static void Track(IServiceCollection services) =>
        services.AddSingleton<HubLifetimeManager<PricesHub>>(provider =>
        {
            // Read when first resolved, so it does not matter whether the backplane was registered before or after.
            var manager = services.Last(service => service.ServiceType == typeof(HubLifetimeManager<>)).ImplementationType!;
            var inner = (HubLifetimeManager<PricesHub>)ActivatorUtilities.CreateInstance(provider, manager.MakeGenericType(typeof(PricesHub)));
            return new Tracking(inner, provider.GetRequiredService<PriceConnections>());
        });

    private sealed class Tracking(HubLifetimeManager<PricesHub> inner, PriceConnections connections) : HubLifetimeManager<PricesHub>, IDisposable
    {
        // The container disposes what its factory returned, not what that wraps (the backplane's own Redis connection).
        public void Dispose() => (inner as IDisposable)?.Dispose();

        public override Task OnConnectedAsync(HubConnectionContext connection)
        {
            connections.Add(connection);
            return inner.OnConnectedAsync(connection);
        }

        public override Task OnDisconnectedAsync(HubConnectionContext connection)
        {
            connections.Remove(connection);
            return inner.OnDisconnectedAsync(connection);
        }

        public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendAllAsync(methodName, args, cancellationToken);

        public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
            inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

        public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

        public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

        public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

        public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

        public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
            inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

        public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendUserAsync(userId, methodName, args, cancellationToken);

        public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
            inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

        public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
            inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

        public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
            inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

        public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
            inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

        public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) =>
            inner.SetConnectionResultAsync(connectionId, result);

        public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
            inner.TryGetReturnType(invocationId, out type);
    }
}
