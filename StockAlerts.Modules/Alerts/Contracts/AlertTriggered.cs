using Mediator;

namespace StockAlerts.Modules.Alerts.Contracts;

/// <summary>
/// A rule fired. Published once per firing, after the firing is saved; <see cref="FiringId"/> is unique, so a
/// consumer that sees the same event twice can tell.
/// </summary>
public sealed record AlertTriggered(
    Guid RuleId,
    Guid FiringId,
    int Sequence,
    string UserId,
    string Symbol,
    decimal Price,
    decimal Level,
    string ConditionType,
    string Title,
    string Message,
    IReadOnlyList<string> Channels,
    string? WebhookUrl,
    DateTime FiredAt) : INotification;

/// <summary>Where the rule's webhook goes, and the secret that signs it (never in an event, never in a log).</summary>
public sealed record AlertWebhook(string Url, string Secret)
{
    public override string ToString() => $"webhook to {Url}";
}
