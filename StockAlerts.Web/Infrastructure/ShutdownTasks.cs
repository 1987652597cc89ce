using StockAlerts.Modules.Shared;

namespace StockAlerts.Web.Infrastructure;

/// <summary>Runs the modules' shutdown tasks when the service stops, and after a one-shot command.</summary>
internal sealed partial class ShutdownTasks(IServiceProvider services, IEnumerable<ShutdownTask> tasks, ILogger<ShutdownTasks> logger) : IHostedService
{
    private readonly Lock gate = new();
    private Task? stopping;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A host can be stopped twice at once (a test factory and the app's own Run both do it); the second caller
    // waits for the same run instead of starting another or letting the host be disposed under the first.
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return stopping ??= RunAsync(cancellationToken);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task.RunAsync(services, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception, task.Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown: {Task} failed")]
    private partial void LogFailed(Exception exception, string task);
}
