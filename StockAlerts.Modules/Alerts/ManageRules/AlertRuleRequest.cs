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

/// <summary>
/// Described in the OpenAPI document as one schema per type (<see cref="ConditionSchemas"/>). Left, Operator, Right and
/// Evaluate belong to an indicator condition; Match and Conditions to a compound one; Symbol to a compound's part.
/// </summary>
internal sealed record ConditionRequest(
    [property: Required, Values(typeof(ConditionType))] string? Type,
    decimal? Level,
    decimal? Lower,
    decimal? Upper,
    decimal? Amount,
    decimal? Percent,
    int? WindowMinutes,
    [property: Values(typeof(ReferenceKind))] string? Reference)
{
    public OperandRequest? Left { get; init; }

    public string? Operator { get; init; }

    public OperandRequest? Right { get; init; }

    [OneOf("live", "barClose")]
    public string? Evaluate { get; init; }

    [OneOf("all", "any")]
    public string? Match { get; init; }

    public ConditionRequest[]? Conditions { get; init; }

    public string? Symbol { get; init; }
}

/// <summary>One side of an indicator condition: the price, a number, or an indicator's line (see <see cref="OperandShapes"/>).</summary>
internal sealed record OperandRequest(
    [property: Required] string? Type,
    decimal? Value,
    int? Period,
    string? Timeframe,
    decimal? Deviations,
    int? Fast,
    int? Slow,
    int? Signal,
    string? Output);

internal sealed record FrequencyRequest([property: Values(typeof(FrequencyType))] string? Type, int? CooldownSeconds, int? MaxFires);

/// <summary>Margin: how far back past the level the price must go before an edge rule re-arms; AfterSeconds: re-arm by time.</summary>
internal sealed record RearmRequest(decimal? Margin, int? AfterSeconds);

internal sealed record ScheduleRequest(
    [property: Required, OneOf("mon", "tue", "wed", "thu", "fri", "sat", "sun")] string[]? Days,
    [property: Required] string? From,
    [property: Required] string? To,
    string? TimeZone);

internal sealed record WebhookRequest([property: Required] string? Url, [property: Required] string? Secret);
