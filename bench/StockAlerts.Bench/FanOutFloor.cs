using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Bench;

/// <summary>
/// The least a server can do for the prices bench's lean clients: Kestrel and bare WebSockets, the hub's handshake
/// and Subscribe read by hand, and every 100 ms each connection's changed symbols written as one frame of the same
/// PriceChanged messages the service sends. No store, no SignalR, no authentication: a floor for the fan-out on this
/// machine, measured with the same clients at the same rate.
/// </summary>
internal sealed class FanOutFloor : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, QuoteView> pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<WebSocket, string[]> followers = new();
    private readonly CancellationTokenSource stop = new();
    private readonly WebApplication app;
    private Task? flushing;

    private FanOutFloor(WebApplication app) => this.app = app;

    public Uri Address => new(app.Urls.First());

    public static async Task<FanOutFloor> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{ClusterBench.FreePort()}");
        var floor = new FanOutFloor(builder.Build());
        floor.app.UseWebSockets();
        floor.app.Map("/hubs/prices", floor.AcceptAsync);
        await floor.app.StartAsync();
        floor.flushing = floor.FlushLoopAsync(floor.stop.Token);
        return floor;
    }

    public void Enqueue(IEnumerable<QuoteView> quotes)
    {
        foreach (var quote in quotes)
        {
            pending[quote.Symbol] = quote;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await (flushing ?? Task.CompletedTask);
        await app.StopAsync();
        await app.DisposeAsync();
        stop.Dispose();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        // The handshake, answered as SignalR does; then Subscribe, whose symbols are the connection's.
        await ReceiveAsync(socket, buffer);
        await socket.SendAsync("{}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        using var subscribe = JsonDocument.Parse(await ReceiveAsync(socket, buffer));
        followers[socket] = subscribe.RootElement.GetProperty("arguments")[0].EnumerateArray().Select(symbol => symbol.GetString()!).ToArray();
        try
        {
            // Pings, until the client goes.
            while ((await socket.ReceiveAsync(buffer, stop.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            followers.TryRemove(socket, out _);
        }
    }

    // One whole message (a frame may come in parts), without its record separator.
    private static async Task<ReadOnlyMemory<byte>> ReceiveAsync(WebSocket socket, byte[] buffer)
    {
        var filled = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
            filled += result.Count;
        }
        while (!result.EndOfMessage && filled < buffer.Length);

        return buffer.AsMemory(0, filled).TrimEnd((byte)0x1e);
    }

    private static async Task SendAsync(WebSocket socket, byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or IOException)
        {
        }
    }

    private static byte[] Frame(string[] symbols, Dictionary<string, byte[]> messages)
    {
        var length = 0;
        foreach (var symbol in symbols)
        {
            length += messages.GetValueOrDefault(symbol)?.Length ?? 0;
        }

        var frame = new byte[length];
        var offset = 0;
        foreach (var symbol in symbols)
        {
            if (messages.TryGetValue(symbol, out var message))
            {
                message.CopyTo(frame, offset);
                offset += message.Length;
            }
        }

        return frame;
    }

    // Coalesced as the service's stream is: the newest quote of each changed symbol, serialized once, every 100 ms.
    // Unlike the service (a write per message, joined by its transport), a connection's messages go as one write.
    // A connection that fails or closes mid-write is dropped from that flush, not the loop.
    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var messages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var symbol in pending.Keys)
                {
                    if (pending.TryRemove(symbol, out var quote))
                    {
                        messages[symbol] = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = 1, target = "PriceChanged", arguments = new object[] { quote } }, Json) + "\u001e");
                    }
                }

                var writes = new List<Task>();
                foreach (var (socket, symbols) in followers)
                {
                    var frame = Frame(symbols, messages);
                    if (frame.Length > 0 && socket.State == WebSocketState.Open && SendAsync(socket, frame, cancellationToken) is { IsCompletedSuccessfully: false } writing)
                    {
                        writes.Add(writing);
                    }
                }

                await Task.WhenAll(writes);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
