using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace StockAlerts.Web.Infrastructure;

/// <summary>Caps the live connections of one user over both hubs (Realtime:MaxConnectionsPerUser).</summary>
internal sealed partial class UserConnectionLimit(IUserConnections connections, IOptionsMonitor<RealtimeOptions> options, ILogger<UserConnectionLimit> logger)
    : IHubFilter
{
    private const string CountedUserItem = "stockalerts:counted-user";

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var connection = context.Context;
        if (connection.UserIdentifier is { } userId)
        {
            var limit = options.CurrentValue.MaxConnectionsPerUser;
            if (!await connections.TryAddAsync(userId, connection.ConnectionId, limit, connection.ConnectionAborted))
            {
                LogRefused(userId, limit);
                // A HubException's message reaches the client in the close frame; other exceptions are hidden.
                throw new HubException($"Connection refused: this account already has {limit} live connections, the most allowed. Close one (another tab, app or device) and connect again.");
            }
            connection.Items[CountedUserItem] = userId;
        }
        try
        {
            await next(context);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed.
            await ForgetAsync(connection);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            await ForgetAsync(context.Context);
        }
    }

    private async Task ForgetAsync(HubCallerContext connection)
    {
        if (connection.Items.TryGetValue(CountedUserItem, out var userId) && connection.Items.Remove(CountedUserItem))
        {
            await connections.RemoveAsync((string)userId!, connection.ConnectionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hub connection of user {UserId} refused: already {Limit} live connections")]
    private partial void LogRefused(string userId, int limit);
}
