namespace StockAlerts.Modules.Shared;

/// <summary>Work a module must finish when the process ends (the service stopping, or a one-shot `jobs run`).</summary>
public sealed record ShutdownTask(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync);
