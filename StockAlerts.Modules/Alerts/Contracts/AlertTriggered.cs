using Mediator;

namespace StockAlerts.Modules.Alerts.Contracts;

/// <summary>
/// Rules fired: the firings one price batch (or one repair run) saved, published together after they were saved,
/// so a consumer can store what follows from them in one go too.
/// </summary>
public sealed record AlertsTriggered(IReadOnlyList<AlertTriggered> Firings) : INotification;

/// <summary>
/// A rule fired. Published once per firing (inside <see cref="AlertsTriggered"/>), after the firing is saved;
/// <see cref="FiringId"/> is unique, so a consumer that sees the same firing twice can tell.
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
    DateTime FiredAt);

/// <summary>Where the rule's webhook goes, and the secret that signs it (never in an event, never in a log).</summary>
public sealed record AlertWebhook(string Url, string Secret)
{
    public override string ToString() => $"webhook to {Url}";
}
