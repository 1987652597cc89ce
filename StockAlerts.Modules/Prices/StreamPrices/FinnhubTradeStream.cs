using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Modules.Prices.StreamPrices;

/// <summary>What the trades stream is doing, for /health/ready.</summary>
internal sealed record StreamStatus(bool On, bool HoldsStream, bool Connected, int Subscribed, long Messages, DateTime? LastMessageAt);

/// <summary>
/// Finnhub's trades WebSocket beside its polling, so an alert fires within a second of the trade. It follows the
/// symbols that have rules or live viewers (rules first, up to MaxSymbols; the rest stay polled), keeps the latest
/// trade per symbol and hands them every 100 ms to the path every polled quote takes (store, history, rules, hubs),
/// so nothing downstream knows the difference. A dropped or silent socket is reconnected with growing, jittered
/// waits and subscribed again; polling goes on meanwhile. In a cluster one instance holds the stream (a lease in
/// Redis, as the plan allows one connection), and another takes it over when that lease runs out.
/// </summary>
internal sealed partial class FinnhubTradeStream(
    IServiceScopeFactory scopes,
    IServiceProvider services,
    EnabledProviders enabled,
    IOptionsMonitor<ProviderSettings> providerSettings,
    IOptions<FinnhubStreamOptions> streamOptions,
    PricesMetrics metrics,
    TimeProvider time,
    ILogger<FinnhubTradeStream> logger) : BackgroundService
{
    public const string Source = EnabledProviders.Finnhub;
    private const string LeaseKey = "stockalerts:prices:stream:finnhub";
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SyncEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private readonly string holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, ProviderQuote> waiting = new(StringComparer.Ordinal);
    private volatile bool holdsStream;
    private volatile bool connected;
    private int subscribed;
    private long messages;
    private long lastMessageTicks;

    public bool IsOn => enabled.IsEnabled(EnabledProviders.Finnhub) && streamOptions.Value.Enabled != false
        && !string.IsNullOrWhiteSpace(providerSettings.Get(EnabledProviders.Finnhub).ApiKey);

    public StreamStatus Status
    {
        get
        {
            var last = Interlocked.Read(ref lastMessageTicks);
            return new StreamStatus(IsOn, holdsStream, connected, Volatile.Read(ref subscribed), Interlocked.Read(ref messages),
                last == 0 ? null : new DateTime(last, DateTimeKind.Utc));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsOn)
        {
            return;
        }
        metrics.ObserveStream(Source, () => Status, time);

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                if (!await HoldLeaseAsync())
                {
                    await Task.Delay(LeaseFor / 3, time, stoppingToken);
                    continue;
                }
                await RunConnectionAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // A connection that lived a while starts the waits over; one that keeps failing waits longer each time.
                failures = connected && time.GetUtcNow() - started > TimeSpan.FromSeconds(30) ? 1 : failures + 1;
                LogDropped(exception.GetType().Name, exception.Message);
            }
            finally
            {
                connected = false;
                Volatile.Write(ref subscribed, 0);
            }

            var wait = Backoff(failures);
            LogReconnecting(wait.TotalSeconds);
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await ReleaseLeaseAsync();
    }

    // 1, 2, 4 ... 60 s, each with up to a quarter more, so many instances do not come back at the same moment.
    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(LongestWait.TotalSeconds, Math.Pow(2, Math.Max(0, failures - 1)));
        return TimeSpan.FromSeconds(seconds * (1 + (Random.Shared.NextDouble() / 4)));
    }

    private async Task RunConnectionAsync(CancellationToken stoppingToken)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var socket = new ClientWebSocket();
        var token = providerSettings.Get(EnabledProviders.Finnhub).ApiKey!;
        var address = new UriBuilder(streamOptions.Value.Url) { Query = "token=" + Uri.EscapeDataString(token) }.Uri;
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(connection.Token))
        {
            connecting.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(address, connecting.Token);
        }
        connected = true;
        Touch();
        var following = new HashSet<string>(StringComparer.Ordinal);
        var receiving = ReceiveAsync(socket, connection.Token);
        var tending = TendAsync(socket, following, connection.Token);
        var ended = await Task.WhenAny(receiving, tending);
        await connection.CancelAsync();
        try
        {
            await Task.WhenAll(receiving, tending);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The other half stopped because this connection is over; why it ended is rethrown next.
        }
        await ended;
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        var silence = TimeSpan.FromSeconds(streamOptions.Value.SilenceSeconds);
        while (true)
        {
            WebSocketReceiveResult result;
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                quiet.CancelAfter(silence);
                try
                {
                    result = await socket.ReceiveAsync(buffer, quiet.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no trade or ping for {silence.TotalSeconds:0} s");
                }
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"closed by Finnhub ({result.CloseStatus} {result.CloseStatusDescription})");
            }
            message.Write(buffer, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }
            Handle(message.GetBuffer().AsSpan(0, (int)message.Length));
            message.SetLength(0);
        }
    }

    private void Handle(ReadOnlySpan<byte> text)
    {
        Touch();
        Interlocked.Increment(ref messages);
        metrics.StreamMessage(Source);
        try
        {
            using var document = JsonDocument.Parse(text.ToArray());
            var root = document.RootElement;
            switch (root.TryGetProperty("type", out var type) ? type.GetString() : null)
            {
                case "trade" when root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array:
                    foreach (var trade in data.EnumerateArray())
                    {
                        Take(trade);
                    }
                    break;
                case "ping":
                    break;
                case "error":
                    LogProviderError(root.TryGetProperty("msg", out var error) ? error.GetString() : null);
                    break;
                default:
                    LogUnexpected(Shorten(text));
                    break;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            LogUnexpected(Shorten(text));
        }
    }

    // The latest trade of each symbol waits for the next hand-over; earlier ones in between change nothing a rule sees.
    private void Take(JsonElement trade)
    {
        if (!trade.TryGetProperty("s", out var symbolValue) || symbolValue.GetString() is not { Length: > 0 } symbol
            || !trade.TryGetProperty("p", out var priceValue) || !priceValue.TryGetDecimal(out var price) || price <= 0)
        {
            return;
        }
        var at = trade.TryGetProperty("t", out var timeValue) && timeValue.TryGetInt64(out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime
            : time.GetUtcNow().UtcDateTime;
        var quote = new ProviderQuote(symbol.ToUpperInvariant(), price, at);
        waiting.AddOrUpdate(quote.Symbol, quote, (_, held) => held.ProviderTime > at ? held : quote);
    }

    private async Task TendAsync(ClientWebSocket socket, HashSet<string> following, CancellationToken cancellationToken)
    {
        var nextSync = DateTimeOffset.MinValue;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (time.GetUtcNow() >= nextSync)
            {
                if (!await HoldLeaseAsync())
                {
                    throw new InvalidOperationException("another instance holds the stream now");
                }
                await FollowAsync(socket, following, cancellationToken);
                nextSync = time.GetUtcNow() + SyncEvery;
            }
            await FlushAsync(cancellationToken);
            await Task.Delay(FlushEvery, time, cancellationToken);
        }
    }

    private async Task FollowAsync(ClientWebSocket socket, HashSet<string> following, CancellationToken cancellationToken)
    {
        var wanted = await WantedSymbolsAsync(cancellationToken);
        foreach (var symbol in following.Where(symbol => !wanted.Contains(symbol)).ToList())
        {
            await SendAsync(socket, new { type = "unsubscribe", symbol }, cancellationToken);
            following.Remove(symbol);
        }
        foreach (var symbol in wanted.Where(symbol => !following.Contains(symbol)))
        {
            await SendAsync(socket, new { type = "subscribe", symbol }, cancellationToken);
            following.Add(symbol);
        }
        if (following.Count != Volatile.Read(ref subscribed))
        {
            LogFollowing(following.Count, wanted.Count);
        }
        Volatile.Write(ref subscribed, following.Count);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IQuoteStore>().SetStreamedSymbolsAsync(Source, following, time.GetUtcNow().UtcDateTime + 3 * SyncEvery, cancellationToken);
    }

    /// <summary>Finnhub's symbols that rules use, then those live viewers follow, up to the plan's cap.</summary>
    private async Task<IReadOnlyCollection<string>> WantedSymbolsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>();
        var ours = (await catalog.GetAsync(cancellationToken)).ForProvider(EnabledProviders.Finnhub).Select(instrument => instrument.Symbol).ToHashSet(StringComparer.Ordinal);
        var ruled = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetSymbolsInUse(), cancellationToken);
        var viewed = await scope.ServiceProvider.GetRequiredService<IQuoteStore>().GetLiveSymbolsAsync(time.GetUtcNow().UtcDateTime, cancellationToken);
        return ruled.Order(StringComparer.Ordinal).Concat(viewed.Order(StringComparer.Ordinal))
            .Select(symbol => symbol.ToUpperInvariant())
            .Where(ours.Contains)
            .Distinct(StringComparer.Ordinal)
            .Take(streamOptions.Value.MaxSymbols)
            .ToHashSet(StringComparer.Ordinal);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (waiting.IsEmpty)
        {
            return;
        }
        var quotes = new List<ProviderQuote>();
        foreach (var symbol in waiting.Keys)
        {
            if (waiting.TryRemove(symbol, out var quote))
            {
                quotes.Add(quote);
            }
        }
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<QuoteIngestor>().IngestAsync(Source, quotes, cancellationToken);
    }

    private static Task SendAsync(ClientWebSocket socket, object message, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private async Task<bool> HoldLeaseAsync()
    {
        if (redis is null)
        {
            return holdsStream = true;
        }
        try
        {
            var database = redis.GetDatabase();
            var held = await database.LockExtendAsync(LeaseKey, holder, LeaseFor) || await database.LockTakeAsync(LeaseKey, holder, LeaseFor);
            if (held != holdsStream)
            {
                LogLease(held ? "holds" : "does not hold");
            }
            return holdsStream = held;
        }
        catch (RedisException)
        {
            // Without Redis nobody can take the lease over, and this instance may not know it still holds it: wait.
            return holdsStream = false;
        }
    }

    private async Task ReleaseLeaseAsync()
    {
        if (redis is not null && holdsStream)
        {
            try
            {
                await redis.GetDatabase().LockReleaseAsync(LeaseKey, holder);
            }
            catch (RedisException)
            {
                // The lease runs out by itself.
            }
        }
        holdsStream = false;
    }

    private void Touch() => Interlocked.Exchange(ref lastMessageTicks, time.GetUtcNow().UtcDateTime.Ticks);

    private static string Shorten(ReadOnlySpan<byte> text) =>
        Encoding.UTF8.GetString(text.Length > 200 ? text[..200] : text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: the Finnhub trades stream follows {Following} symbol(s) ({Wanted} wanted)")]
    private partial void LogFollowing(int following, int wanted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: the Finnhub trades stream dropped ({Error}: {Message}); polling goes on")]
    private partial void LogDropped(string error, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: reconnecting to the Finnhub trades stream in {Seconds:0.0} s")]
    private partial void LogReconnecting(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: Finnhub's trades stream says: {Message}")]
    private partial void LogProviderError(string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: skipped a message from Finnhub's trades stream that is not a trade, ping or error: {Text}")]
    private partial void LogUnexpected(string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: this instance {Holds} the Finnhub trades stream")]
    private partial void LogLease(string holds);
}
