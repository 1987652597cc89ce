namespace StockAlerts.Web.Identity;

/// <summary>
/// One sign-in on one device: its refresh token works while the session is active and only in its latest form
/// (a refresh token used twice ends the session), and signing out ends it for the access token too.
/// </summary>
internal sealed class UserSession
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>How many times the refresh token was exchanged; the current refresh token carries this number.</summary>
    public int Refreshes { get; set; }
}

/// <summary>A user whose account is being deleted: signing in is refused until the deletion is finished.</summary>
internal sealed class PendingDeletion
{
    public required string UserId { get; set; }

    public DateTime RequestedAt { get; set; }
}
