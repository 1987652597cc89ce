using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>
/// Moves the index's clock every second, so what depends on time alone happens on time even when no price comes
/// (a confirmation, an expiry, a re-arm after N seconds). Every instance runs it; the database keeps each firing and
/// state change to one.
/// </summary>
internal sealed partial class EngineClock(AlertEngine engine, OutcomeWriter writer, TimeProvider time, ILogger<EngineClock> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await engine.Ready.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await await writer.JudgeAsync(stateChanges => new Judged(engine.AdvanceClock(time.GetUtcNow().UtcDateTime, stateChanges), null), stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: saving what the clock made due failed")]
    private partial void LogFailed(Exception exception);
}
