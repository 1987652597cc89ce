using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// A real HTTP server on a free loopback port that answers like fixer (classic /fixer/latest and apilayer-style
/// /apilayer/fixer/latest), currencylayer (/currencylayer/live) and Finnhub (/finnhub/quote). Tests choose each
/// provider's answer and read back every request received. A missing key gets the provider's own refusal.
/// </summary>
internal sealed class FakeQuoteServer : IAsyncDisposable
{
    public const long Timestamp = 1767782400;

    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private int inFlight;
    private int maxInFlight;

    private FakeQuoteServer(WebApplication app) => this.app = app;

    /// <summary>Without a path: append /fixer, /apilayer/fixer, /currencylayer or /finnhub to get a provider's BaseUrl.</summary>
    public string BaseUrl { get; private set; } = "";

    public Func<RecordedRequest, FakeResponse> Fixer { get; set; } = DefaultFixer;

    public Func<RecordedRequest, FakeResponse> CurrencyLayer { get; set; } = DefaultCurrencyLayer;

    public Func<RecordedRequest, FakeResponse> Finnhub { get; set; } = DefaultFinnhub;

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>The most requests that were being answered at the same time since the last Reset.</summary>
    public int MaxConcurrentRequests
    {
        get
        {
            lock (gate)
            {
                return maxInFlight;
            }
        }
    }

    public static async Task<FakeQuoteServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeQuoteServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    public void Reset()
    {
        Fixer = DefaultFixer;
        CurrencyLayer = DefaultCurrencyLayer;
        Finnhub = DefaultFinnhub;
        requests.Clear();
        lock (gate)
        {
            maxInFlight = inFlight;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
        stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = new RecordedRequest(
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        requests.Enqueue(request);
        lock (gate)
        {
            inFlight++;
            maxInFlight = Math.Max(maxInFlight, inFlight);
        }
        try
        {
            var response = Answer(request);
            await response.WriteAsync(context, stopping.Token);
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }
        }
    }

    private FakeResponse Answer(RecordedRequest request) => request.Path switch
    {
        "/fixer/latest" => request.Query.ContainsKey("access_key") ? Fixer(request) : MissingAccessKey(),
        "/apilayer/fixer/latest" => request.Headers.ContainsKey("apikey") ? Fixer(request) : FakeResponse.Json("""{"message":"No API key found in request"}""", 401),
        "/currencylayer/live" => request.Query.ContainsKey("access_key") ? CurrencyLayer(request) : MissingAccessKey(),
        "/finnhub/quote" => request.Headers.ContainsKey("X-Finnhub-Token") || request.Query.ContainsKey("token")
            ? Finnhub(request)
            : FakeResponse.Json("""{"error":"Please use an API key."}""", 401),
        _ => FakeResponse.Json("""{"error":"not found"}""", 404),
    };

    private static FakeResponse MissingAccessKey() =>
        FakeResponse.ApilayerError(101, "missing_access_key", "You have not supplied an API Access Key. [Required format: access_key=YOUR_ACCESS_KEY]");

    private static FakeResponse DefaultFixer(RecordedRequest _) =>
        FakeResponse.FixerLatest(Timestamp, ("USD", "1.168421"), ("GBP", "0.864210"), ("JPY", "183.120044"), ("CHF", "0.931577"));

    private static FakeResponse DefaultCurrencyLayer(RecordedRequest _) =>
        FakeResponse.CurrencyLayerLive(Timestamp, ("USDEUR", "0.855856"), ("USDGBP", "0.740102"), ("USDJPY", "156.7231"));

    private static FakeResponse DefaultFinnhub(RecordedRequest _) => FakeResponse.FinnhubQuote(227.48m, 225.9m, 225.96m, 1767812400);
}
