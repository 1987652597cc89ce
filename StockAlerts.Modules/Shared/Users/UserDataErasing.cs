using Mediator;

namespace StockAlerts.Modules.Shared.Users;

/// <summary>
/// An account is being deleted: every module erases what it holds of the user. Handlers are idempotent, because an
/// interrupted deletion is finished by running all of them again.
/// </summary>
public sealed record UserDataErasing(string UserId) : INotification;
