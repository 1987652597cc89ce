namespace StockAlerts.Modules.Shared.Data;

/// <summary>
/// The database answers, but a lock this write needs stayed taken longer than it may wait: the write changed nothing
/// and can be tried again shortly (the API answers 503 with Retry-After, as for a store that is briefly away).
/// </summary>
public sealed class StoreBusyException(string message) : Exception(message);
