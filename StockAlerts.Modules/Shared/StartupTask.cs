namespace StockAlerts.Modules.Shared;

/// <summary>
/// Work a module does once at startup, after every migration and before the service takes traffic (seeding). An
/// exclusive task runs under the startup lock, one instance at a time; a task that only reads (building an index)
/// runs after the lock is released, so instances starting together do it side by side.
/// </summary>
public sealed record StartupTask(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync, bool Exclusive = true);
