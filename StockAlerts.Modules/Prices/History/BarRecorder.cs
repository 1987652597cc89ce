using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.History;

/// <summary>
/// Folds ticks into one-minute bars in memory and writes them every few seconds. Writes merge with what is stored
/// (high/low widen, the newer close wins), so instances that poll the same symbol in turn never lose a tick.
/// </summary>
internal sealed class BarRecorder(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);
    private readonly Dictionary<(string Symbol, DateTime Start), PriceBar> pending = [];
    private readonly SemaphoreSlim flushing = new(1, 1);
    private DateTimeOffset lastFlush = DateTimeOffset.MinValue;

    public async Task RecordAsync(IReadOnlyList<StoredQuote> quotes, CancellationToken cancellationToken)
    {
        lock (pending)
        {
            foreach (var quote in quotes)
            {
                var tick = PriceBar.Of(quote.Symbol, quote.Price, quote.ReceivedAt, quote.PreviousClose, quote.DayOpen);
                if (pending.TryGetValue((quote.Symbol, tick.Start), out var bar))
                {
                    bar.Merge(tick);
                }
                else
                {
                    pending[(quote.Symbol, tick.Start)] = tick;
                }
            }
        }
        if (time.GetUtcNow() - lastFlush >= FlushEvery)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await flushing.WaitAsync(cancellationToken);
        try
        {
            lastFlush = time.GetUtcNow();
            List<PriceBar> batch;
            lock (pending)
            {
                batch = pending.Values.ToList();
                pending.Clear();
            }
            if (batch.Count == 0)
            {
                return;
            }
            try
            {
                try
                {
                    await WriteAsync(batch, cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another instance inserted one of these bars first: merge with its row instead.
                    await WriteAsync(batch, cancellationToken);
                }
            }
            catch
            {
                // Keep the bars for the next write, as the caller's log line promises.
                Restore(batch);
                throw;
            }
        }
        finally
        {
            flushing.Release();
        }
    }

    private void Restore(List<PriceBar> batch)
    {
        lock (pending)
        {
            foreach (var bar in batch)
            {
                var key = (bar.Symbol, bar.Start);
                if (pending.TryGetValue(key, out var newer))
                {
                    // Ticks of the same minute arrived meanwhile: the older bar takes theirs in.
                    bar.Merge(newer);
                }
                pending[key] = bar;
            }
        }
    }

    private async Task WriteAsync(List<PriceBar> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PricesDbContext>();
        foreach (var minute in batch.GroupBy(bar => bar.Start))
        {
            var symbols = minute.Select(bar => bar.Symbol).ToList();
            var stored = await database.PriceBars
                .Where(bar => bar.Start == minute.Key && symbols.Contains(bar.Symbol))
                .ToDictionaryAsync(bar => bar.Symbol, StringComparer.Ordinal, cancellationToken);
            foreach (var bar in minute)
            {
                if (stored.TryGetValue(bar.Symbol, out var existing))
                {
                    existing.Merge(bar);
                }
                else
                {
                    database.PriceBars.Add(bar);
                }
            }
        }
        await database.SaveChangesAsync(cancellationToken);
    }
}
