using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class RequestBodyLimitTests
{
    private TestApp app = null!;
    private HttpClient user = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Requests:MaxBodyBytes"] = "4096" });
        user = await app.SignInAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task ABodyOverTheLimit_WithItsLength_Gets413ProblemDetails()
    {
        var body = new StringContent(JsonSerializer.Serialize(Rule(new string('x', 5000))), Encoding.UTF8, "application/json");

        var response = await user.PostAsync("/api/alerts", body);

        await AssertTooLargeAsync(response);
    }

    [Test]
    public async Task AChunkedBodyOverTheLimit_Gets413ProblemDetails()
    {
        var body = new UnsizedContent(JsonSerializer.SerializeToUtf8Bytes(Rule(new string('x', 5000))));

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/alerts") { Content = body };
        request.Headers.TransferEncodingChunked = true;

        var response = await user.SendAsync(request);

        await AssertTooLargeAsync(response);
    }

    [Test]
    public async Task ABodyWithinTheLimit_IsServed()
    {
        var response = await user.PostAsJsonAsync("/api/alerts", Rule("{{symbol}} crossed {{level}}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>A body whose length is not known up front, as when a client streams it (chunked on the wire).</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] bytes;

        public UnsizedContent(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static object Rule(string messageTemplate) => new
    {
        symbol = "AAPL",
        condition = new { type = "crossesAbove", level = 500 },
        messageTemplate,
    };

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("4096 bytes"));
    }
}
