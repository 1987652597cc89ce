using System.ComponentModel.DataAnnotations;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared.Api;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>
/// The body of POST/PUT /api/alerts and of the preview. The C# types are all nullable so that validation, not the
/// JSON reader, names what is missing; the OpenAPI document says what is required ([Required]) and what is optional.
/// </summary>
internal sealed record AlertRuleRequest(
    [property: Required] string? Symbol,
    string? Name,
    [property: Required] ConditionRequest? Condition,
    FrequencyRequest? Frequency,
    RearmRequest? Rearm,
    int? ConfirmationSeconds,
    DateTime? ExpiresAt,
    ScheduleRequest? Schedule,
    string? TimeZone,
    [property: OneOf("push", "live", "webhook")] string[]? Channels,
    WebhookRequest? Webhook,
    string? MessageTemplate);

/// <summary>Described in the OpenAPI document as one schema per type (<see cref="ConditionSchemas"/>).</summary>
internal sealed record ConditionRequest(
    [property: Required, Values(typeof(ConditionType))] string? Type,
    decimal? Level,
    decimal? Lower,
    decimal? Upper,
    decimal? Amount,
    decimal? Percent,
    int? WindowMinutes,
    [property: Values(typeof(ReferenceKind))] string? Reference);

internal sealed record FrequencyRequest([property: Values(typeof(FrequencyType))] string? Type, int? CooldownSeconds, int? MaxFires);

/// <summary>Margin: how far back past the level the price must go before an edge rule re-arms; AfterSeconds: re-arm by time.</summary>
internal sealed record RearmRequest(decimal? Margin, int? AfterSeconds);

internal sealed record ScheduleRequest(
    [property: Required, OneOf("mon", "tue", "wed", "thu", "fri", "sat", "sun")] string[]? Days,
    [property: Required] string? From,
    [property: Required] string? To,
    string? TimeZone);

internal sealed record WebhookRequest([property: Required] string? Url, [property: Required] string? Secret);
