using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace StockAlerts.Bench;

/// <summary>
/// The prices bench's clients as bare WebSockets speaking the SignalR JSON hub protocol (handshake, Subscribe, pings;
/// each PriceChanged read for its symbol, price and time only). At 5,000 clients the SignalR client library took a
/// whole core of this 2-core machine to read its messages, so the generator, not the service, set the latency.
/// </summary>
internal sealed class LeanPriceClients : IPriceClients
{
    private const byte Separator = 0x1e;
    private readonly List<Client> clients = [];
    private readonly ConcurrentQueue<double> latencies = new();
    private readonly CancellationTokenSource stop = new();
    private long received;
    private Task? pinging;

    public static async Task<LeanPriceClients> ConnectAsync(Uri baseAddress, string token, IReadOnlyList<string> symbols, int count, int perClient)
    {
        var lean = new LeanPriceClients();
        var random = new Random(11);
        var address = new UriBuilder(new Uri(baseAddress, "/hubs/prices")) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
        for (var index = 0; index < count; index++)
        {
            var watched = Enumerable.Range(0, perClient).Select(_ => symbols[random.Next(symbols.Count)]).Distinct().ToArray();
            var client = new Client(new ClientWebSocket(), watched, lean);
            await client.Socket.ConnectAsync(address, CancellationToken.None);
            await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            await client.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "0", target = "Subscribe", arguments = new object[] { watched } }));
            client.Reading = client.ReadAsync(lean.stop.Token);
            lean.clients.Add(client);
        }
        // The server drops a client silent for 30 s.
        lean.pinging = lean.PingAsync(lean.stop.Token);
        return lean;
    }

    public Task ResetAsync()
    {
        latencies.Clear();
        Interlocked.Exchange(ref received, 0);
        return Task.CompletedTask;
    }

    public Task<ClientsSummary> SummaryAsync(IReadOnlyDictionary<string, decimal> finalPrices) =>
        Task.FromResult(ClientsSummary.Of(Interlocked.Read(ref received), latencies, clients.Select(client => (client.Prices, client.Watched)), finalPrices));

    public double? CpuSeconds() => null;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        foreach (var client in clients)
        {
            client.Socket.Abort();
            client.Socket.Dispose();
        }
        await Task.WhenAll(clients.Select(client => client.Reading ?? Task.CompletedTask).Append(pinging ?? Task.CompletedTask)).ContinueWith(_ => { }, TaskScheduler.Default);
        stop.Dispose();
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var client in clients)
            {
                await client.SendAsync("{\"type\":6}");
            }
        }
    }

    private sealed class Client(ClientWebSocket socket, string[] watched, LeanPriceClients owner)
    {
        private readonly SemaphoreSlim sending = new(1, 1);

        public ClientWebSocket Socket => socket;

        public string[] Watched => watched;

        public ConcurrentDictionary<string, decimal> Prices { get; } = new(StringComparer.Ordinal);

        public Task? Reading { get; set; }

        public async Task SendAsync(string message)
        {
            await sending.WaitAsync();
            try
            {
                if (socket.State == WebSocketState.Open)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(message + (char)Separator), WebSocketMessageType.Text, true, CancellationToken.None);
                }
            }
            finally
            {
                sending.Release();
            }
        }

        /// <summary>Reads messages (separated by 0x1e, any number to a frame, a message across frames) until the socket ends.</summary>
        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            var filled = 0;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    var result = await socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    filled += result.Count;
                    var start = 0;
                    int end;
                    while ((end = Array.IndexOf(buffer, Separator, start, filled - start)) >= 0)
                    {
                        Read(buffer.AsSpan(start, end - start));
                        start = end + 1;
                    }
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }

        private void Read(ReadOnlySpan<byte> message)
        {
            var reader = new Utf8JsonReader(message);
            int? type = null;
            string? target = null, symbol = null;
            decimal price = 0;
            DateTime time = default;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }
                // The input is one span, so the name stays readable after moving on to its value (SignalR's names
                // are plain ASCII, never escaped).
                var name = reader.ValueSpan;
                var depth = reader.CurrentDepth;
                reader.Read();
                if (name.SequenceEqual("type"u8) && depth == 1)
                {
                    type = reader.GetInt32();
                }
                else if (name.SequenceEqual("target"u8))
                {
                    target = reader.GetString();
                }
                else if (name.SequenceEqual("symbol"u8))
                {
                    symbol = reader.GetString();
                }
                else if (name.SequenceEqual("price"u8))
                {
                    price = reader.GetDecimal();
                }
                else if (name.SequenceEqual("time"u8))
                {
                    time = reader.GetDateTime();
                }
            }
            if (type == 1 && target == "PriceChanged" && symbol is not null)
            {
                Prices[symbol] = price;
                owner.latencies.Enqueue((DateTime.UtcNow - time.ToUniversalTime()).TotalMilliseconds);
                Interlocked.Increment(ref owner.received);
            }
        }
    }
}
