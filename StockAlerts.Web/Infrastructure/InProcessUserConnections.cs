namespace StockAlerts.Web.Infrastructure;

internal sealed class InProcessUserConnections : IUserConnections
{
    private readonly Dictionary<string, HashSet<string>> byUser = [];

    public Task<bool> TryAddAsync(string userId, string connectionId, int limit, CancellationToken cancellationToken)
    {
        lock (byUser)
        {
            if (!byUser.TryGetValue(userId, out var connections))
            {
                byUser[userId] = connections = [];
            }
            return Task.FromResult(connections.Contains(connectionId) || (connections.Count < limit && connections.Add(connectionId)));
        }
    }

    public Task RemoveAsync(string userId, string connectionId)
    {
        lock (byUser)
        {
            if (byUser.TryGetValue(userId, out var connections) && connections.Remove(connectionId) && connections.Count == 0)
            {
                byUser.Remove(userId);
            }
        }
        return Task.CompletedTask;
    }
}
