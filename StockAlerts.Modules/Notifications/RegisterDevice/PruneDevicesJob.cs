using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Notifications.Data;

namespace StockAlerts.Modules.Notifications.RegisterDevice;

internal sealed partial class PruneDevicesJob(NotificationsDbContext database, IOptionsMonitor<NotificationsOptions> options, TimeProvider time, ILogger<PruneDevicesJob> logger)
{
    public const string JobId = "notifications:prune-devices";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.CurrentValue.DeviceRetentionDays);
        var pruned = await database.Devices.Where(device => device.LastSeenAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (pruned > 0)
        {
            LogPruned(pruned, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: pruned {Count} device(s) not seen since {Cutoff:u}")]
    private partial void LogPruned(int count, DateTime cutoff);
}
