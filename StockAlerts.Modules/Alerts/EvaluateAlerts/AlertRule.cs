namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed record AlertRule(Guid Id, string UserId, string Symbol, AlertCondition Condition)
{
    public AlertFrequency Frequency { get; init; } = AlertFrequency.Once;

    // Price band an edge rule must move back past (beyond the level) before it re-arms; null means no band.
    public decimal? HysteresisMargin { get; init; }

    public int? RearmAfterSeconds { get; init; }
    public int ConfirmationSeconds { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public bool Paused { get; init; }
    public ActiveSchedule? Schedule { get; init; }
    public string TimeZoneId { get; init; } = "UTC";
    public string? Name { get; init; }
    public string? MessageTemplate { get; init; }
}
