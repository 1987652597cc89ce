using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// A webhook target on a free loopback port: records every request (path, headers, body) and answers with the
/// chosen response; /redirect answers 302 to /redirected, so a test can see whether the redirect was followed.
/// </summary>
internal sealed class FakeWebhookReceiver : IAsyncDisposable
{
    public const string RedirectPath = "/redirect";
    public const string RedirectTargetPath = "/redirected";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly CancellationTokenSource stopping = new();

    private FakeWebhookReceiver(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The answer to every path but /redirect.</summary>
    public Func<ReceivedWebhook, FakeResponse> Answer { get; set; } = Accept;

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    public static async Task<FakeWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new FakeWebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First();
        return receiver;
    }

    public IReadOnlyList<ReceivedWebhook> ReceivedAt(string path) => [.. received.Where(webhook => webhook.Path == path)];

    public void Reset()
    {
        Answer = Accept;
        received.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
        stopping.Dispose();
    }

    private static FakeResponse Accept(ReceivedWebhook _) => FakeResponse.Json("""{"received":true}""");

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var webhook = new ReceivedWebhook(
            context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        received.Enqueue(webhook);

        var response = webhook.Path == RedirectPath
            ? FakeResponse.Json("", 302).WithHeader("Location", BaseUrl + RedirectTargetPath)
            : Answer(webhook);
        await response.WriteAsync(context, stopping.Token, contentType: null);
    }
}
