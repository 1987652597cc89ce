namespace StockAlerts.Modules.Shared;

/// <summary>Work a module does once at startup, after every migration and before the service takes traffic (seeding).</summary>
public sealed record StartupTask(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync);
