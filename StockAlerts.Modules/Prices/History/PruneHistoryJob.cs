using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;

namespace StockAlerts.Modules.Prices.History;

internal sealed partial class PruneHistoryJob(PricesDbContext database, IOptionsMonitor<PricesOptions> options, TimeProvider time, ILogger<PruneHistoryJob> logger)
{
    public const string JobId = "prices:history:prune";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.CurrentValue.HistoryRetentionDays);
        var deleted = await database.PriceBars.Where(bar => bar.Start < cutoff).ExecuteDeleteAsync(cancellationToken);
        LogPruned(deleted, cutoff);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: pruned {Count} history bar(s) older than {Cutoff:u}")]
    private partial void LogPruned(int count, DateTime cutoff);
}
