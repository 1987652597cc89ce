namespace StockAlerts.Modules.Alerts.Data;

/// <summary>One firing of a rule, unique by (rule, sequence); kept after the rule is deleted.</summary>
internal sealed class AlertFiringRecord
{
    public Guid Id { get; set; }

    public Guid RuleId { get; set; }

    public int Sequence { get; set; }

    public required string UserId { get; set; }

    public required string Symbol { get; set; }

    public decimal Price { get; set; }

    public decimal ComparedValue { get; set; }

    /// <summary>A compound of five indicator conditions says a lot: room for it.</summary>
    public const int DescriptionLength = 600;

    public required string Description { get; set; }

    public required string Message { get; set; }

    public DateTime FiredAt { get; set; }

    /// <summary>When AlertTriggered went out; null until then, so a firing whose publication was lost is found again.</summary>
    public DateTime? PublishedAt { get; set; }
}
