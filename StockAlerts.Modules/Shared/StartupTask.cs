namespace StockAlerts.Modules.Shared;

/// <summary>Work a module does once at startup, after every migration and before the service takes traffic (seeding).</summary>
public sealed record StartupTask(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync);

/// <summary>Work a module must finish when the process ends (the service stopping, or a one-shot `jobs run`).</summary>
public sealed record ShutdownTask(string Name, Func<IServiceProvider, CancellationToken, Task> RunAsync);

public static class HealthTags
{
    /// <summary>Checks with this tag make up /health/ready.</summary>
    public const string Ready = "ready";
}
