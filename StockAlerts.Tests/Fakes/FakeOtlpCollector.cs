using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// An OTLP/HTTP collector on a free loopback port: accepts every export (/v1/traces, /v1/metrics, /v1/logs) and keeps
/// its protobuf body. Protobuf stores strings as plain UTF-8, so a test can look for span and metric names in it.
/// </summary>
internal sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> exports = new();

    private FakeOtlpCollector(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new FakeOtlpCollector(app);
        app.Run(collector.HandleAsync);
        await app.StartAsync();
        collector.BaseUrl = app.Urls.First();
        return collector;
    }

    /// <summary>Everything exported to one signal's path, as text (binary parts come out as replacement characters).</summary>
    public string TextAt(string path) =>
        string.Concat(exports.Where(export => export.Path == path).Select(export => Encoding.UTF8.GetString(export.Body)));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        exports.Enqueue((context.Request.Path.Value ?? "", body.ToArray()));
        // An empty Export*ServiceResponse: everything accepted.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
