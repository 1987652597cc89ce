using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Api;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal sealed record AlertRuleView(
    Guid Id,
    string Symbol,
    string? Name,
    ConditionView Condition,
    FrequencyView Frequency,
    RearmView? Rearm,
    int ConfirmationSeconds,
    DateTime? ExpiresAt,
    ScheduleView? Schedule,
    string TimeZone,
    [property: OneOf("push", "live", "webhook")] IReadOnlyList<string> Channels,
    WebhookView? Webhook,
    string? MessageTemplate,
    [property: Values(typeof(RuleState))] string State,
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
        rule.ConditionJson is { } json
            ? ConditionView.From(StoredConditions.Read(json).Condition)
            : new ConditionView(RuleMapping.JsonName(rule.ConditionType), rule.Level.Normalize(), rule.Lower.Normalize(), rule.Upper.Normalize(), rule.Amount.Normalize(), rule.Percent.Normalize(), rule.WindowMinutes,
                rule.Reference is null ? null : RuleMapping.JsonName(rule.Reference), rule.ReferencePrice.Normalize()),
        new FrequencyView(RuleMapping.JsonName(rule.FrequencyType), rule.CooldownSeconds, rule.MaxFires),
        rule.HysteresisMargin is null && rule.RearmAfterSeconds is null ? null : new RearmView(rule.HysteresisMargin.Normalize(), rule.RearmAfterSeconds),
        rule.ConfirmationSeconds,
        rule.ExpiresAt,
        rule.ScheduleDays is null ? null : new ScheduleView(rule.ScheduleDays.Split(','), rule.ScheduleFrom?.ToString("HH:mm") ?? "00:00", rule.ScheduleTo?.ToString("HH:mm") ?? "00:00", rule.TimeZone),
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

/// <summary>
/// ReferencePrice is what a percentage refers to. An indicator condition shows its operands with every parameter
/// (defaults included); a compound its parts, each with its symbol.
/// </summary>
internal sealed record ConditionView(
    [property: Values(typeof(ConditionType))] string Type,
    decimal? Level,
    decimal? Lower,
    decimal? Upper,
    decimal? Amount,
    decimal? Percent,
    int? WindowMinutes,
    [property: Values(typeof(ReferenceKind))] string? Reference,
    decimal? ReferencePrice)
{
    public OperandRequest? Left { get; init; }

    public string? Operator { get; init; }

    public OperandRequest? Right { get; init; }

    [OneOf("live", "barClose")]
    public string? Evaluate { get; init; }

    [OneOf("all", "any")]
    public string? Match { get; init; }

    public IReadOnlyList<ConditionView>? Conditions { get; init; }

    public string? Symbol { get; init; }

    public static ConditionView From(ConditionRequest stored) =>
        new(stored.Type!, stored.Level.Normalize(), stored.Lower.Normalize(), stored.Upper.Normalize(), null, null, null, null, null)
        {
            Left = stored.Left,
            Operator = stored.Operator,
            Right = stored.Right,
            Evaluate = stored.Evaluate,
            Match = stored.Match,
            Conditions = stored.Conditions?.Select(From).ToList(),
            Symbol = stored.Symbol,
        };
}

internal sealed record FrequencyView([property: Values(typeof(FrequencyType))] string Type, int CooldownSeconds, int? MaxFires);

internal sealed record RearmView(decimal? Margin, int? AfterSeconds);

internal sealed record ScheduleView(
    [property: OneOf("mon", "tue", "wed", "thu", "fri", "sat", "sun")] IReadOnlyList<string> Days,
    string From,
    string To,
    string TimeZone);

/// <summary>The secret is never shown again after it is set.</summary>
internal sealed record WebhookView(string Url, bool HasSecret);
