using Mediator;

namespace StockAlerts.Modules.Alerts.Contracts;

/// <summary>The webhook of a user's rule (URL and signing secret), or null when the rule is gone or has none.</summary>
public sealed record GetRuleWebhook(Guid RuleId, string UserId) : IQuery<AlertWebhook?>;

/// <summary>What a notification's action does to its rule. Each answers NotFound when the rule no longer exists.</summary>
public sealed record SnoozeRule(Guid RuleId, string UserId, TimeSpan Duration) : ICommand<RuleActionResult>;

public sealed record RearmRule(Guid RuleId, string UserId) : ICommand<RuleActionResult>;

public sealed record DisableRule(Guid RuleId, string UserId) : ICommand<RuleActionResult>;

/// <summary>Moves the rule's level (or channel) by an amount or a percent, e.g. to be told at the next step.</summary>
public sealed record MoveRuleLevel(Guid RuleId, string UserId, decimal? Amount, decimal? Percent) : ICommand<RuleActionResult>;

/// <summary>
/// Found is false when the rule was deleted; Changed says what happened, for the user, or, when Refused, why nothing
/// did (the rule has no level to move, the move leaves the allowed range, the rule cap or a duplicate).
/// </summary>
public sealed record RuleActionResult(bool Found, string Changed, string? State, decimal? Level, bool Refused = false);
