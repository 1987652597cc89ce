using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Prices.History;

/// <summary>
/// Rolls every day that is over up into a day bar, then deletes the one-minute bars older than the retention: day
/// bars are kept, so indicators on them (SMA(200, 1d), a 52-week high) can warm from years of days.
/// </summary>
internal sealed partial class PruneHistoryJob(PricesDbContext database, InstrumentCatalog catalog, IOptionsMonitor<PricesOptions> options, TimeProvider time, ILogger<PruneHistoryJob> logger)
{
    public const string JobId = "prices:history:prune";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await RollUpDaysAsync(now, cancellationToken);
        var cutoff = now.AddDays(-options.CurrentValue.HistoryRetentionDays);
        var deleted = await database.PriceBars.Where(bar => bar.Start < cutoff).ExecuteDeleteAsync(cancellationToken);
        LogPruned(deleted, cutoff);
    }

    // Per symbol, from the day after its last day bar (or its oldest minute): only whole days, each written once.
    private async Task RollUpDaysAsync(DateTime now, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var lastDays = await database.DailyBars.GroupBy(bar => bar.Symbol).Select(group => new { Symbol = group.Key, Day = group.Max(bar => bar.Day) })
            .ToDictionaryAsync(entry => entry.Symbol, entry => entry.Day, cancellationToken);
        var symbols = await database.Instruments.Select(instrument => instrument.Symbol).ToListAsync(cancellationToken);
        var written = 0;
        for (var i = 0; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            var zone = DailyBars.ZoneOf(snapshot.Find(symbol));
            var from = lastDays.TryGetValue(symbol, out var last) ? TimeZones.DayOf(last, zone).End : DateTime.UnixEpoch;
            var minutes = await database.PriceBars.AsNoTracking()
                .Where(bar => bar.Symbol == symbol && bar.Start >= from && bar.Start < now)
                .OrderBy(bar => bar.Start)
                .ToListAsync(cancellationToken);
            var days = DailyBars.RollUp(symbol, minutes, zone, now);
            if (days.Count > 0)
            {
                database.DailyBars.AddRange(days);
                await database.SaveChangesAsync(cancellationToken);
                database.ChangeTracker.Clear();
                written += days.Count;
            }

            if ((i + 1) % 500 == 0)
            {
                LogRollUpProgress(i + 1, symbols.Count);
            }
        }

        LogRolledUp(written, symbols.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: pruned {Count} history bar(s) older than {Cutoff:u}")]
    private partial void LogPruned(int count, DateTime cutoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: rolling up day bars, {Done:N0} of {Total:N0} symbol(s)")]
    private partial void LogRollUpProgress(int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: {Days:N0} day bar(s) rolled up for {Symbols:N0} symbol(s)")]
    private partial void LogRolledUp(int days, int symbols);
}
