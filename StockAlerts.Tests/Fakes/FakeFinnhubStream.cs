using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// A real WebSocket server on a free loopback port that speaks Finnhub's trades feed: it takes
/// {"type":"subscribe"|"unsubscribe","symbol":...} from clients and sends what a test gives it (trade batches, pings,
/// errors, garbage) to every open connection. It never pings by itself, so a client that waits for pings sees silence.
/// </summary>
internal sealed class FakeFinnhubStream : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<int, (WebSocket Socket, ConcurrentDictionary<string, bool> Symbols)> open = new();
    private readonly ConcurrentQueue<string> tokens = new();
    private int connections;

    private FakeFinnhubStream(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    public IReadOnlyList<string> Tokens => [.. tokens];

    /// <summary>What the newest open connection is subscribed to.</summary>
    public IReadOnlySet<string> Subscribed =>
        open.IsEmpty ? new HashSet<string>() : open.MaxBy(entry => entry.Key).Value.Symbols.Keys.ToHashSet(StringComparer.Ordinal);

    public static async Task<FakeFinnhubStream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeFinnhubStream(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal) + "/";
        return server;
    }

    public async Task SendAsync(string message)
    {
        foreach (var (socket, _) in open.Values)
        {
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                // That client went away meanwhile.
            }
        }
    }

    public Task TradeAsync(params (string Symbol, decimal Price)[] trades)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var data = trades.Select((trade, index) => new { s = trade.Symbol, p = trade.Price, t = now + index, v = 100, c = (string[]?)null });
        return SendAsync(JsonSerializer.Serialize(new { type = "trade", data }));
    }

    /// <summary>Cuts every open connection without a close handshake, as a network failure does.</summary>
    public void DropAll()
    {
        foreach (var (key, (socket, _)) in open)
        {
            socket.Abort();
            open.TryRemove(key, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropAll();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        tokens.Enqueue(context.Request.Query["token"].ToString());
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var id = Interlocked.Increment(ref connections);
        var symbols = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        open[id] = (socket, symbols);
        var buffer = new byte[4096];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var symbol = message.RootElement.GetProperty("symbol").GetString()!;
                if (message.RootElement.GetProperty("type").GetString() == "subscribe")
                {
                    symbols[symbol] = true;
                }
                else
                {
                    symbols.TryRemove(symbol, out _);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Dropped by the test or by the client.
        }
        finally
        {
            open.TryRemove(id, out _);
        }
    }
}
