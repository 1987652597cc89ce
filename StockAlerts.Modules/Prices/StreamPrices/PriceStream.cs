using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StockAlerts.Modules.Prices.Data;
using StockAlerts.Modules.Prices.PollPrices;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Prices.StreamPrices;

/// <summary>What the trades stream is doing, for /health/ready.</summary>
internal sealed record StreamStatus(bool On, bool HoldsStream, bool Connected, int Subscribed, long Messages, DateTime? LastMessageAt);

/// <summary>
/// A provider's trades WebSocket beside its polling, so an alert fires within a second of the trade (the wire format
/// is the protocol's). It follows the symbols that have rules or live viewers (rules first, up to the plan's cap;
/// the rest stay polled), keeps the latest trade per symbol and hands them every 100 ms to the path every polled
/// quote takes (store, history, rules, hubs), so nothing downstream knows the difference. A dropped or silent socket
/// is reconnected with growing, jittered waits and subscribed again; polling goes on meanwhile. In a cluster one
/// instance holds the stream (a lease in Redis, as plans allow one connection), and another takes it over when that
/// lease runs out.
/// </summary>
internal sealed partial class PriceStream(
    IStreamProtocol protocol,
    IServiceScopeFactory scopes,
    IServiceProvider services,
    PricesMetrics metrics,
    TimeProvider time,
    ILogger<PriceStream> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SyncEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);

    private readonly IConnectionMultiplexer? redis = services.GetService<IConnectionMultiplexer>();
    private readonly string leaseKey = $"stockalerts:prices:stream:{protocol.Provider}";
    private readonly string holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, ProviderQuote> waiting = new(StringComparer.Ordinal);
    private volatile bool holdsStream;
    private volatile bool connected;
    private int subscribed;
    private long messages;
    private long lastMessageTicks;

    public string Provider => protocol.Provider;

    public StreamStatus Status
    {
        get
        {
            var last = Interlocked.Read(ref lastMessageTicks);
            return new StreamStatus(protocol.IsOn, holdsStream, connected, Volatile.Read(ref subscribed), Interlocked.Read(ref messages),
                last == 0 ? null : new DateTime(last, DateTimeKind.Utc));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!protocol.IsOn)
        {
            return;
        }
        metrics.ObserveStream(Provider, () => Status, time);

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
                LogDropped(Provider, exception.GetType().Name, exception.Message);
            }
            finally
            {
                connected = false;
                Volatile.Write(ref subscribed, 0);
            }

            var wait = Backoff(failures);
            LogReconnecting(Provider, wait.TotalSeconds);
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
        var address = protocol.Address;
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
        var silence = protocol.Silence;
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
                throw new WebSocketException($"closed by the provider ({result.CloseStatus} {result.CloseStatusDescription})");
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
        metrics.StreamMessage(Provider);
        switch (protocol.Read(text, time.GetUtcNow().UtcDateTime))
        {
            case null:
                LogUnexpected(Provider, Shorten(text));
                break;
            case { Error: { } error }:
                LogProviderError(Provider, error);
                break;
            case { Trades: var trades }:
                // The latest trade of each symbol waits for the next hand-over; earlier ones change nothing a rule sees.
                foreach (var quote in trades)
                {
                    waiting.AddOrUpdate(quote.Symbol, quote, (_, held) => held.ProviderTime > quote.ProviderTime ? held : quote);
                }
                break;
        }
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
            await SendAsync(socket, protocol.Unsubscribe(symbol), cancellationToken);
            following.Remove(symbol);
        }
        foreach (var symbol in wanted.Where(symbol => !following.Contains(symbol)))
        {
            await SendAsync(socket, protocol.Subscribe(symbol), cancellationToken);
            following.Add(symbol);
        }
        if (following.Count != Volatile.Read(ref subscribed))
        {
            LogFollowing(Provider, following.Count, wanted.Count);
        }
        Volatile.Write(ref subscribed, following.Count);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IQuoteStore>().SetStreamedSymbolsAsync(Provider, following, time.GetUtcNow().UtcDateTime + 3 * SyncEvery, cancellationToken);
    }

    /// <summary>The provider's symbols that rules use, then those live viewers follow, up to the plan's cap.</summary>
    private async Task<IReadOnlyCollection<string>> WantedSymbolsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<InstrumentCatalog>();
        var ours = (await catalog.GetAsync(cancellationToken)).ForProvider(Provider).Select(instrument => instrument.Symbol).ToHashSet(StringComparer.Ordinal);
        var inUse = await SymbolsInUse.ListAsync(scope.ServiceProvider.GetRequiredService<IMediator>(), scope.ServiceProvider.GetRequiredService<IQuoteStore>(),
            time.GetUtcNow().UtcDateTime, cancellationToken);
        return inUse.Where(ours.Contains)
            .Take(protocol.MaxSymbols)
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
        await scope.ServiceProvider.GetRequiredService<QuoteIngestor>().IngestAsync(Provider, quotes, cancellationToken);
    }

    private static Task SendAsync(ClientWebSocket socket, byte[] message, CancellationToken cancellationToken) =>
        socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private async Task<bool> HoldLeaseAsync()
    {
        if (redis is null)
        {
            return holdsStream = true;
        }
        try
        {
            var database = redis.GetDatabase();
            var held = await database.LockExtendAsync(leaseKey, holder, LeaseFor) || await database.LockTakeAsync(leaseKey, holder, LeaseFor);
            if (held != holdsStream)
            {
                LogLease(Provider, held ? "holds" : "does not hold");
            }
            return holdsStream = held;
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
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
                await redis.GetDatabase().LockReleaseAsync(leaseKey, holder);
            }
            catch (Exception unreachable) when (unreachable.IsRedisFailure())
            {
                // The lease runs out by itself.
            }
        }
        holdsStream = false;
    }

    private void Touch() => Interlocked.Exchange(ref lastMessageTicks, time.GetUtcNow().UtcDateTime.Ticks);

    private static string Shorten(ReadOnlySpan<byte> text) =>
        Encoding.UTF8.GetString(text.Length > 200 ? text[..200] : text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: the {Provider} trades stream follows {Following} symbol(s) ({Wanted} wanted)")]
    private partial void LogFollowing(string provider, int following, int wanted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: the {Provider} trades stream dropped ({Error}: {Message}); polling goes on")]
    private partial void LogDropped(string provider, string error, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: reconnecting to the {Provider} trades stream in {Seconds:0.0} s")]
    private partial void LogReconnecting(string provider, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: the {Provider} trades stream says: {Message}")]
    private partial void LogProviderError(string provider, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prices: skipped a message from the {Provider} trades stream that is not a trade, ping or error: {Text}")]
    private partial void LogUnexpected(string provider, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Prices: this instance {Holds} the {Provider} trades stream")]
    private partial void LogLease(string provider, string holds);
}
