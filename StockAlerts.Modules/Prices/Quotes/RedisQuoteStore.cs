using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace StockAlerts.Modules.Prices.Quotes;

/// <summary>The production store: every instance reads and writes the same Redis keys (prefix "prices:").</summary>
internal sealed class RedisQuoteStore(IConnectionMultiplexer redis) : IQuoteStore
{
    private static readonly RedisKey LatestKey = "prices:latest";
    private static readonly RedisKey SeenKey = "prices:seen";
    private static readonly RedisKey LiveKey = "prices:live";
    private static readonly RedisKey ProvidersKey = "prices:providers";
    private static readonly RedisKey StaleKey = "prices:stale";

    private IDatabase Database => redis.GetDatabase();

    public Task SetStreamedSymbolsAsync(string provider, IReadOnlyCollection<string> symbols, DateTime until, CancellationToken cancellationToken) =>
        Database.StringSetAsync($"prices:streamed:{provider}", string.Join(',', symbols), until - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1));

    public async Task<IReadOnlyCollection<string>> GetStreamedSymbolsAsync(string provider, DateTime now, CancellationToken cancellationToken) =>
        (string?)await Database.StringGetAsync($"prices:streamed:{provider}") is { Length: > 0 } symbols ? symbols.Split(',') : [];

    public async Task<IReadOnlyDictionary<string, StoredQuote>> GetLatestAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        var fields = symbols.Select(symbol => (RedisValue)symbol).ToArray();
        var database = Database;
        var quotes = database.HashGetAsync(LatestKey, fields);
        var seen = database.HashGetAsync(SeenKey, fields);
        await Task.WhenAll(quotes, seen);
        return Merge(fields.Select(field => (string)field!).ToArray(), quotes.Result, seen.Result);
    }

    public async Task<IReadOnlyList<StoredQuote>> GetAllLatestAsync(CancellationToken cancellationToken)
    {
        var database = Database;
        var quotes = await database.HashGetAllAsync(LatestKey);
        var symbols = quotes.Select(entry => (string)entry.Name!).ToArray();
        var seen = await database.HashGetAsync(SeenKey, symbols.Select(symbol => (RedisValue)symbol).ToArray());
        return Merge(symbols, quotes.Select(entry => entry.Value).ToArray(), seen).Values.ToList();
    }

    public async Task SaveAsync(IReadOnlyList<StoredQuote> changed, IReadOnlyCollection<string> seen, DateTime seenAt, DateTime windowStart, CancellationToken cancellationToken)
    {
        var database = Database;
        var pending = new List<Task>(changed.Count * 3 + 1);
        if (changed.Count > 0)
        {
            pending.Add(database.HashSetAsync(LatestKey, changed
                .Select(quote => new HashEntry(quote.Symbol, JsonSerializer.Serialize(quote, QuoteJson.Default.StoredQuote)))
                .ToArray()));
        }
        var windowFloor = ToUnixMilliseconds(windowStart);
        foreach (var quote in changed)
        {
            var key = WindowKey(quote.Symbol);
            var at = ToUnixMilliseconds(quote.ReceivedAt);
            pending.Add(database.SortedSetAddAsync(key, $"{at}:{quote.Price.ToString(CultureInfo.InvariantCulture)}", at));
            pending.Add(database.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, windowFloor, Exclude.Stop));
        }
        if (seen.Count > 0)
        {
            var stamp = ToUnixMilliseconds(seenAt);
            pending.Add(database.HashSetAsync(SeenKey, seen.Select(symbol => new HashEntry(symbol, stamp)).ToArray()));
        }
        await Task.WhenAll(pending);
    }

    public async Task<IReadOnlyList<WindowPoint>> GetWindowAsync(string symbol, DateTime from, CancellationToken cancellationToken)
    {
        var members = await Database.SortedSetRangeByScoreAsync(WindowKey(symbol), ToUnixMilliseconds(from));
        return members.Select(member =>
        {
            var text = (string)member!;
            var separator = text.IndexOf(':');
            return new WindowPoint(
                DateTime.UnixEpoch.AddMilliseconds(long.Parse(text[..separator], CultureInfo.InvariantCulture)),
                decimal.Parse(text[(separator + 1)..], CultureInfo.InvariantCulture));
        }).ToList();
    }

    public async Task<long> CountRequestAsync(string provider, string period, CancellationToken cancellationToken)
    {
        RedisKey key = $"prices:quota:{provider}:{period}";
        var count = await Database.StringIncrementAsync(key);
        if (count == 1)
        {
            await Database.KeyExpireAsync(key, TimeSpan.FromDays(40));
        }
        return count;
    }

    public Task SetLiveSymbolsAsync(string instance, IReadOnlyCollection<string> symbols, DateTime expiresAt, CancellationToken cancellationToken) =>
        Database.HashSetAsync(LiveKey, instance, JsonSerializer.Serialize(new LiveEntry([.. symbols], expiresAt), QuoteJson.Default.LiveEntry));

    public async Task<IReadOnlyCollection<string>> GetLiveSymbolsAsync(DateTime now, CancellationToken cancellationToken)
    {
        var entries = await Database.HashGetAllAsync(LiveKey);
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        var expired = new List<RedisValue>();
        foreach (var entry in entries)
        {
            var live = JsonSerializer.Deserialize((string)entry.Value!, QuoteJson.Default.LiveEntry);
            if (live is null || live.ExpiresAt <= now)
            {
                expired.Add(entry.Name);
                continue;
            }
            symbols.UnionWith(live.Symbols);
        }
        if (expired.Count > 0)
        {
            await Database.HashDeleteAsync(LiveKey, [.. expired]);
        }
        return symbols;
    }

    public Task SaveProviderStatusAsync(ProviderStatus status, CancellationToken cancellationToken) =>
        Database.HashSetAsync(ProvidersKey, status.Provider, JsonSerializer.Serialize(status, QuoteJson.Default.ProviderStatus));

    public async Task<IReadOnlyList<ProviderStatus>> GetProviderStatusesAsync(CancellationToken cancellationToken) =>
        (await Database.HashGetAllAsync(ProvidersKey))
            .Select(entry => JsonSerializer.Deserialize((string)entry.Value!, QuoteJson.Default.ProviderStatus)!)
            .OrderBy(status => status.Provider)
            .ToList();

    public async Task<IReadOnlyCollection<string>> SwapStaleSymbolsAsync(IReadOnlyCollection<string> stale, CancellationToken cancellationToken)
    {
        var previous = await Database.StringGetSetAsync(StaleKey, JsonSerializer.Serialize(stale.ToArray(), QuoteJson.Default.StringArray));
        return previous.IsNullOrEmpty ? [] : JsonSerializer.Deserialize((string)previous!, QuoteJson.Default.StringArray) ?? [];
    }

    private static Dictionary<string, StoredQuote> Merge(string[] symbols, RedisValue[] quotes, RedisValue[] seen)
    {
        var merged = new Dictionary<string, StoredQuote>(symbols.Length, StringComparer.Ordinal);
        for (var index = 0; index < symbols.Length; index++)
        {
            if (quotes[index].IsNullOrEmpty)
            {
                continue;
            }
            var quote = JsonSerializer.Deserialize((string)quotes[index]!, QuoteJson.Default.StoredQuote)!;
            if (!seen[index].IsNullOrEmpty)
            {
                var seenAt = DateTime.UnixEpoch.AddMilliseconds((long)seen[index]);
                quote = seenAt > quote.SeenAt ? quote with { SeenAt = seenAt } : quote;
            }
            merged[symbols[index]] = quote;
        }
        return merged;
    }

    private static RedisKey WindowKey(string symbol) => $"prices:window:{symbol}";

    private static long ToUnixMilliseconds(DateTime time) => (long)(time - DateTime.UnixEpoch).TotalMilliseconds;

    internal sealed record LiveEntry(string[] Symbols, DateTime ExpiresAt);
}

[JsonSerializable(typeof(StoredQuote))]
[JsonSerializable(typeof(ProviderStatus))]
[JsonSerializable(typeof(RedisQuoteStore.LiveEntry))]
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class QuoteJson : JsonSerializerContext;
