using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal sealed record AlertRuleView(
    Guid Id,
    string Symbol,
    string? Name,
    ConditionView Condition,
    FrequencyRequest Frequency,
    RearmRequest? Rearm,
    int ConfirmationSeconds,
    DateTime? ExpiresAt,
    ScheduleRequest? Schedule,
    string TimeZone,
    IReadOnlyList<string> Channels,
    WebhookView? Webhook,
    string? MessageTemplate,
    string State,
    string? StateReason,
    DateTime? PausedUntil,
    int FireCount,
    DateTime? LastFiredAt,
    decimal? LastFiredPrice,
    long Version,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static AlertRuleView From(AlertRuleRecord rule) => new(
        rule.Id,
        rule.Symbol,
        rule.Name,
        new ConditionView(RuleMapping.JsonName(rule.ConditionType), rule.Level.Normalize(), rule.Lower.Normalize(), rule.Upper.Normalize(), rule.Amount.Normalize(), rule.Percent.Normalize(), rule.WindowMinutes,
            rule.Reference is null ? null : RuleMapping.JsonName(rule.Reference), rule.ReferencePrice.Normalize(), rule.Direction?.ToLowerInvariant()),
        new FrequencyRequest(RuleMapping.JsonName(rule.FrequencyType), rule.CooldownSeconds, rule.MaxFires),
        rule.HysteresisMargin is null && rule.RearmAfterSeconds is null ? null : new RearmRequest(rule.HysteresisMargin.Normalize(), rule.RearmAfterSeconds),
        rule.ConfirmationSeconds,
        rule.ExpiresAt,
        rule.ScheduleDays is null ? null : new ScheduleRequest(rule.ScheduleDays.Split(','), rule.ScheduleFrom?.ToString("HH:mm"), rule.ScheduleTo?.ToString("HH:mm"), rule.TimeZone),
        rule.TimeZone,
        rule.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries),
        rule.WebhookUrl is null ? null : new WebhookView(rule.WebhookUrl, HasSecret: rule.WebhookSecret is not null),
        rule.MessageTemplate,
        rule.State,
        rule.StateReason,
        rule.Paused ? rule.PausedUntil : null,
        rule.FireCount,
        rule.LastFiredAt,
        rule.LastFiredPrice.Normalize(),
        rule.Version,
        rule.CreatedAt,
        rule.UpdatedAt);
}

/// <summary>ReferencePrice is what a percentage refers to; Direction is the one a "crosses" rule watches for.</summary>
internal sealed record ConditionView(string Type, decimal? Level, decimal? Lower, decimal? Upper, decimal? Amount, decimal? Percent, int? WindowMinutes,
    string? Reference, decimal? ReferencePrice, string? Direction);

/// <summary>The secret is never shown again after it is set.</summary>
internal sealed record WebhookView(string Url, bool HasSecret);
