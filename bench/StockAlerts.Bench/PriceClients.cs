using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using StockAlerts.Modules.Prices.Quotes;

namespace StockAlerts.Bench;

/// <summary>The prices bench's WebSocket clients: each follows some symbols and times every PriceChanged it gets.</summary>
internal interface IPriceClients : IAsyncDisposable
{
    /// <summary>Forgets what was received so far (the warm-up's).</summary>
    Task ResetAsync();

    Task<ClientsSummary> SummaryAsync(IReadOnlyDictionary<string, decimal> finalPrices);

    /// <summary>CPU seconds the clients used so far, when they run in a process of their own.</summary>
    double? CpuSeconds();
}

internal sealed record ClientsSummary(long Received, string Latency, int Correct, int Pairs)
{
    /// <summary>Coalescing may merge updates, but no client may be left on an old price.</summary>
    public static ClientsSummary Of(long received, IEnumerable<double> latencies, IEnumerable<(ConcurrentDictionary<string, decimal> Prices, string[] Watched)> clients, IReadOnlyDictionary<string, decimal> finalPrices)
    {
        var pairs = clients.SelectMany(client => client.Watched.Select(symbol => client.Prices.TryGetValue(symbol, out var price) && price == finalPrices[symbol])).ToList();
        return new ClientsSummary(received, Percentiles.Describe(latencies.ToList(), "ms"), pairs.Count(correct => correct), pairs.Count);
    }
}

/// <summary>The clients in this process.</summary>
internal sealed class PriceClients : IPriceClients
{
    private readonly List<HubConnection> connections = [];
    private readonly List<(ConcurrentDictionary<string, decimal> Prices, string[] Watched)> lastSeen = [];
    private readonly ConcurrentBag<double> latencies = [];
    private long received;

    /// <summary>Clients of the SignalR client library in JSON or MessagePack, or bare WebSockets ("lean", JSON).</summary>
    public static async Task<IPriceClients> ConnectAsync(Uri baseAddress, string token, IReadOnlyList<string> symbols, int count, int perClient, string protocol) =>
        protocol == "lean"
            ? await LeanPriceClients.ConnectAsync(baseAddress, token, symbols, count, perClient)
            : await ConnectAsync(baseAddress, token, symbols, count, perClient, protocol == "messagepack");

    private static async Task<PriceClients> ConnectAsync(Uri baseAddress, string token, IReadOnlyList<string> symbols, int count, int perClient, bool messagePack)
    {
        var clients = new PriceClients();
        var random = new Random(11);
        for (var client = 0; client < count; client++)
        {
            var connection = StreamBench.Hub(baseAddress, "/hubs/prices", token, messagePack);
            var seen = new ConcurrentDictionary<string, decimal>();
            connection.On<QuoteView>("PriceChanged", quote =>
            {
                seen[quote.Symbol] = quote.Price;
                clients.latencies.Add((DateTime.UtcNow - quote.Time).TotalMilliseconds);
                Interlocked.Increment(ref clients.received);
            });
            await connection.StartAsync();
            var watched = Enumerable.Range(0, perClient).Select(_ => symbols[random.Next(symbols.Count)]).Distinct().ToArray();
            await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", watched);
            clients.connections.Add(connection);
            clients.lastSeen.Add((seen, watched));
        }
        return clients;
    }

    public Task ResetAsync()
    {
        latencies.Clear();
        Interlocked.Exchange(ref received, 0);
        return Task.CompletedTask;
    }

    public Task<ClientsSummary> SummaryAsync(IReadOnlyDictionary<string, decimal> finalPrices) =>
        Task.FromResult(ClientsSummary.Of(Interlocked.Read(ref received), latencies, lastSeen, finalPrices));

    public double? CpuSeconds() => null;

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// `prices-clients`: the clients as a process of their own, driven over stdin by <see cref="PriceClientsProcess"/>
    /// ("reset", "summary &lt;file of final prices&gt;", "exit"), answering one line each on stdout.
    /// </summary>
    public static async Task<int> RunProcessAsync(BenchOptions options)
    {
        var symbols = File.ReadAllLines(options.Text("symbols-file")!);
        await using var clients = await ConnectAsync(new Uri(options.Text("url")!), options.Text("token")!, symbols, options.Int("clients", 50), options.Int("per-client", 5), options.Text("protocol") ?? "json");
        Console.WriteLine("ready");
        while (Console.ReadLine() is { } line && line != "exit")
        {
            if (line == "reset")
            {
                await clients.ResetAsync();
                Console.WriteLine("ok");
            }
            else if (line.StartsWith("summary ", StringComparison.Ordinal))
            {
                var finalPrices = File.ReadLines(line["summary ".Length..]).Select(entry => entry.Split(','))
                    .ToDictionary(fields => fields[0], fields => decimal.Parse(fields[1], CultureInfo.InvariantCulture));
                Console.WriteLine(JsonSerializer.Serialize(await clients.SummaryAsync(finalPrices)));
            }
        }
        return 0;
    }
}

/// <summary>The clients in a child process (this bench run as `prices-clients`), whose CPU is read from /proc.</summary>
internal sealed class PriceClientsProcess(Process child, string folder) : IPriceClients
{
    public static async Task<PriceClientsProcess> StartAsync(Uri baseAddress, string token, IReadOnlyList<string> symbols, int count, int perClient, string protocol)
    {
        var folder = Directory.CreateTempSubdirectory("stockalerts-clients-").FullName;
        var symbolsFile = Path.Combine(folder, "symbols.txt");
        await File.WriteAllLinesAsync(symbolsFile, symbols);
        var start = new ProcessStartInfo("dotnet", [typeof(PriceClients).Assembly.Location, "prices-clients", "--url", baseAddress.ToString(), "--token", token,
            "--symbols-file", symbolsFile, "--clients", count.ToString(CultureInfo.InvariantCulture), "--per-client", perClient.ToString(CultureInfo.InvariantCulture), "--protocol", protocol])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        // The service's collector setting (DOTNET_gcServer=1, as it runs in production) is not the load generator's.
        start.Environment.Remove("DOTNET_gcServer");
        var clients = new PriceClientsProcess(Process.Start(start)!, folder);
        await clients.AnswerAsync("ready");
        return clients;
    }

    public async Task ResetAsync()
    {
        await child.StandardInput.WriteLineAsync("reset");
        await AnswerAsync("ok");
    }

    public async Task<ClientsSummary> SummaryAsync(IReadOnlyDictionary<string, decimal> finalPrices)
    {
        var file = Path.Combine(folder, "final.csv");
        await File.WriteAllLinesAsync(file, finalPrices.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Key},{entry.Value}")));
        await child.StandardInput.WriteLineAsync($"summary {file}");
        return JsonSerializer.Deserialize<ClientsSummary>(await AnswerAsync(null))!;
    }

    public double? CpuSeconds() => ClusterBench.CpuSeconds(child.Id);

    public async ValueTask DisposeAsync()
    {
        await child.StandardInput.WriteLineAsync("exit");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
        }
        child.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The child's next line (the expected one when given); its connections can take minutes to open.</summary>
    private async Task<string> AnswerAsync(string? expected)
    {
        var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(10))
            ?? throw new InvalidOperationException("the clients' process ended");
        return expected is null || line == expected ? line : throw new InvalidOperationException($"the clients' process said '{line}', not '{expected}'");
    }
}
