using Mediator;

namespace StockAlerts.Modules.Notifications.Contracts;

/// <summary>The channels a user's new rules get when the rule names none (their preference, else push and live).</summary>
public sealed record GetDefaultChannels(string UserId) : IQuery<IReadOnlyList<string>>;
