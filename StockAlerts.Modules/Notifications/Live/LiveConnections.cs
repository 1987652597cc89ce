using System.Collections.Concurrent;

namespace StockAlerts.Modules.Notifications.Live;

/// <summary>
/// The notifications hub's connections open on this instance, by user, with what each was sent again. Another
/// instance's connections are its own business: each instance sends again only to its own, directly, so this path
/// does not depend on the Redis backplane whose loss it covers.
/// </summary>
internal sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, Connection> open = new();

    public void Opened(string connectionId, string userId) => open[connectionId] = new Connection(connectionId, userId);

    public void Closed(string connectionId) => open.TryRemove(connectionId, out _);

    public IReadOnlyList<Connection> Snapshot() => open.Values.ToList();

    internal sealed class Connection(string id, string userId)
    {
        private readonly ConcurrentDictionary<Guid, (int Times, DateTime Last)> resent = new();

        public string Id { get; } = id;

        public string UserId { get; } = userId;

        /// <summary>Whether this connection may get the notification again now, and if so counts it.</summary>
        public bool TakeResend(Guid notificationId, int most, DateTime now, TimeSpan every)
        {
            var (times, last) = resent.GetValueOrDefault(notificationId);
            if (times >= most || now - last < every / 2)
            {
                return false;
            }
            resent[notificationId] = (times + 1, now);
            return true;
        }

        /// <summary>Forgets notifications too old to be sent again (a connection may stay open for days).</summary>
        public void Forget(DateTime before)
        {
            foreach (var entry in resent.Where(entry => entry.Value.Last < before))
            {
                resent.TryRemove(entry.Key, out _);
            }
        }
    }
}
