using Mediator;

namespace StockAlerts.Modules.Alerts.Contracts;

/// <summary>Everything the Alerts module holds of a user, for the account export.</summary>
public sealed record ExportUserAlerts(string UserId) : IQuery<UserAlertsExport>;

public sealed record UserAlertsExport(IReadOnlyList<ExportedRule> Rules, IReadOnlyList<ExportedFiring> Firings);

public sealed record ExportedRule(
    Guid Id,
    string Symbol,
    string? Name,
    string ConditionType,
    decimal? Level,
    decimal? Lower,
    decimal? Upper,
    decimal? Amount,
    decimal? Percent,
    int? WindowMinutes,
    string? Reference,
    decimal? ReferencePrice,
    string FrequencyType,
    int CooldownSeconds,
    int? MaxFires,
    DateTime? ExpiresAt,
    string TimeZone,
    IReadOnlyList<string> Channels,
    string? WebhookUrl,
    string? MessageTemplate,
    string State,
    int FireCount,
    DateTime? LastFiredAt,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>An indicator or compound condition: its operands or parts, as the API shows them (JSON).</summary>
    public string? ConditionDetail { get; init; }
}

public sealed record ExportedFiring(Guid Id, Guid RuleId, int Sequence, string Symbol, decimal Price, string Message, DateTime FiredAt);
