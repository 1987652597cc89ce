namespace StockAlerts.Web.Infrastructure;

/// <summary>The live hub connections of each user: in process, or in Redis when several instances share the users.</summary>
internal interface IUserConnections
{
    /// <summary>Counts the connection unless the user already holds <paramref name="limit"/>; false when refused.</summary>
    Task<bool> TryAddAsync(string userId, string connectionId, int limit, CancellationToken cancellationToken);

    Task RemoveAsync(string userId, string connectionId);
}
