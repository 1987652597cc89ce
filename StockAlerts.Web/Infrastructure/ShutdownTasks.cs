using StockAlerts.Modules.Shared;

namespace StockAlerts.Web.Infrastructure;

/// <summary>Runs the modules' shutdown tasks when the service stops, and after a one-shot command.</summary>
internal sealed partial class ShutdownTasks(IServiceProvider services, IEnumerable<ShutdownTask> tasks, ILogger<ShutdownTasks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
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
