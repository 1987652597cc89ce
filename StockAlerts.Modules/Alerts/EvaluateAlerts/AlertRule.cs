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
        get => Get(hysteresisMargin, Has.HysteresisMargin);
        init => hysteresisMargin = Set(value, Has.HysteresisMargin);
    }

    public int? RearmAfterSeconds
    {
        get => Get(rearmAfterSeconds, Has.RearmAfterSeconds);
        init => rearmAfterSeconds = Set(value, Has.RearmAfterSeconds);
    }

    public int ConfirmationSeconds { get; init; }

    public DateTime? ExpiresAt
    {
        get => Get(expiresAt, Has.ExpiresAt);
        init => expiresAt = Set(value, Has.ExpiresAt);
    }

    public bool Paused { get; init; }
    public ActiveSchedule? Schedule { get; init; }
    public string TimeZoneId { get; init; } = "UTC";
    public string? Name { get; init; }
    public string? MessageTemplate { get; init; }

    // The same two steps as AlertCondition's and RuleRuntime's: each type's flags are its own.
    private T? Get<T>(T value, Has flag)
        where T : struct => (has & flag) != 0 ? value : null;

    private T Set<T>(T? value, Has flag)
        where T : struct
    {
        has = value.HasValue ? has | flag : has & ~flag;
        return value.GetValueOrDefault();
    }

    [Flags]
    private enum Has : byte
    {
        HysteresisMargin = 1,
        RearmAfterSeconds = 2,
        ExpiresAt = 4,
    }
}
