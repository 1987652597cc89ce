namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>The body of POST/PUT /api/alerts and of the preview. Everything is optional here so validation can name what is missing.</summary>
internal sealed record AlertRuleRequest(
    string? Symbol,
    string? Name,
    ConditionRequest? Condition,
    FrequencyRequest? Frequency,
    RearmRequest? Rearm,
    int? ConfirmationSeconds,
    DateTime? ExpiresAt,
    ScheduleRequest? Schedule,
    string? TimeZone,
    string[]? Channels,
    WebhookRequest? Webhook,
    string? MessageTemplate);

internal sealed record ConditionRequest(string? Type, decimal? Level, decimal? Lower, decimal? Upper, decimal? Amount, decimal? Percent, int? WindowMinutes, string? Reference);

internal sealed record FrequencyRequest(string? Type, int? CooldownSeconds, int? MaxFires);

/// <summary>Margin: how far back past the level the price must go before an edge rule re-arms; AfterSeconds: re-arm by time.</summary>
internal sealed record RearmRequest(decimal? Margin, int? AfterSeconds);

internal sealed record ScheduleRequest(string[]? Days, string? From, string? To, string? TimeZone);

internal sealed record WebhookRequest(string? Url, string? Secret);
