namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

/// <remarks>
/// Every rule is held in memory, so its optional values are kept as a value and a flag (a nullable decimal or date is
/// padded to a word more). Equality, hashing and <c>with</c> are the record's, over these fields.
/// </remarks>
internal sealed record AlertRule(Guid Id, string UserId, string Symbol, AlertCondition Condition)
{
    private decimal hysteresisMargin;
    private DateTime expiresAt;
    private int rearmAfterSeconds;
    private Has has;

    public AlertFrequency Frequency { get; init; } = AlertFrequency.Once;

    // Price band an edge rule must move back past (beyond the level) before it re-arms; null means no band.
    public decimal? HysteresisMargin
    {
        get => (has & Has.HysteresisMargin) != 0 ? hysteresisMargin : null;
        init => (hysteresisMargin, has) = (value.GetValueOrDefault(), With(Has.HysteresisMargin, value.HasValue));
    }

    public int? RearmAfterSeconds
    {
        get => (has & Has.RearmAfterSeconds) != 0 ? rearmAfterSeconds : null;
        init => (rearmAfterSeconds, has) = (value.GetValueOrDefault(), With(Has.RearmAfterSeconds, value.HasValue));
    }

    public int ConfirmationSeconds { get; init; }

    public DateTime? ExpiresAt
    {
        get => (has & Has.ExpiresAt) != 0 ? expiresAt : null;
        init => (expiresAt, has) = (value.GetValueOrDefault(), With(Has.ExpiresAt, value.HasValue));
    }

    public bool Paused { get; init; }
    public ActiveSchedule? Schedule { get; init; }
    public string TimeZoneId { get; init; } = "UTC";
    public string? Name { get; init; }
    public string? MessageTemplate { get; init; }

    private Has With(Has flag, bool on) => on ? has | flag : has & ~flag;

    [Flags]
    private enum Has : byte
    {
        HysteresisMargin = 1,
        RearmAfterSeconds = 2,
        ExpiresAt = 4,
    }
}
