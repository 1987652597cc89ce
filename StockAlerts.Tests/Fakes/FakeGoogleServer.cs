using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// Google's OAuth token endpoint (POST /token, JWT-bearer grant, RS256 assertion checked against the test key) and
/// FCM HTTP v1 (POST /v1/projects/{id}/messages:send, bearer token checked against those issued) on a free loopback
/// port. Tests choose FCM's answer per message and read back every message, counted per device token.
/// </summary>
internal sealed class FakeGoogleServer : IAsyncDisposable
{
    public const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    public const string GoogleTokenAudience = "https://oauth2.googleapis.com/token";
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string SendPathPrefix = "/v1/projects/";
    private const string SendPathSuffix = "/messages:send";

    private readonly WebApplication app;
    private readonly ServiceAccountKey key;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, byte> issuedTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FcmRequest> messages = new();
    private readonly ConcurrentDictionary<string, int> messagesPerDevice = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> tokenRejections = new();
    private readonly Lock gate = new();
    private int tokenRequests;
    private int tokensIssued;
    private int messageSequence;
    private int inFlight;
    private int maxInFlight;

    private FakeGoogleServer(WebApplication app, ServiceAccountKey key)
    {
        this.app = app;
        this.key = key;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The token_uri to write into the key file.</summary>
    public string TokenUri => $"{BaseUrl}/token";

    /// <summary>FCM's answer to each authenticated message whose data values are all strings.</summary>
    public Func<FcmRequest, FakeResponse> Fcm { get; set; } = FcmAnswers.Success;

    /// <summary>When set, the token endpoint answers 400 invalid_grant even to a valid assertion.</summary>
    public bool RefuseTokens { get; set; }

    public int TokenRequests => Volatile.Read(ref tokenRequests);

    /// <summary>Why assertions were refused; a correct client leaves this empty.</summary>
    public IReadOnlyList<string> TokenRejections => [.. tokenRejections];

    public IReadOnlyList<FcmRequest> Messages => [.. messages.OrderBy(message => message.Sequence)];

    /// <summary>The most messages being answered at the same time since the last Reset.</summary>
    public int MaxConcurrentMessages
    {
        get
        {
            lock (gate)
            {
                return maxInFlight;
            }
        }
    }

    public static async Task<FakeGoogleServer> StartAsync(ServiceAccountKey key)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeGoogleServer(app, key);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    /// <summary>Messages that reached FCM for one device token, whatever FCM answered.</summary>
    public int MessagesTo(string deviceToken) => messagesPerDevice.GetValueOrDefault(deviceToken);

    public void Reset()
    {
        Fcm = FcmAnswers.Success;
        RefuseTokens = false;
        messages.Clear();
        messagesPerDevice.Clear();
        tokenRejections.Clear();
        Interlocked.Exchange(ref tokenRequests, 0);
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
        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await WriteAsync(context, FakeResponse.Json("""{"error":"method not allowed"}""", 405));
        }
        else if (path == "/token")
        {
            await WriteAsync(context, await AnswerTokenRequestAsync(context.Request));
        }
        else if (ProjectIn(path) is { } projectId)
        {
            await AnswerSendAsync(context, projectId);
        }
        else
        {
            await WriteAsync(context, FcmAnswers.Error(404, "NOT_FOUND", "Requested entity was not found."));
        }
    }

    private static string? ProjectIn(string path) =>
        path.Length > SendPathPrefix.Length + SendPathSuffix.Length
        && path.StartsWith(SendPathPrefix, StringComparison.Ordinal) && path.EndsWith(SendPathSuffix, StringComparison.Ordinal)
        && path[SendPathPrefix.Length..^SendPathSuffix.Length] is var projectId && !projectId.Contains('/')
            ? projectId
            : null;

    private async Task<FakeResponse> AnswerTokenRequestAsync(HttpRequest request)
    {
        Interlocked.Increment(ref tokenRequests);
        if (!request.HasFormContentType)
        {
            return TokenError("invalid_request", "Expected application/x-www-form-urlencoded.");
        }
        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        var problem = form["grant_type"].ToString() == JwtBearerGrant
            ? AssertionProblem(form["assertion"].ToString())
            : $"grant_type is '{form["grant_type"]}'";
        if (problem is not null)
        {
            tokenRejections.Enqueue(problem);
            return TokenError("invalid_grant", problem);
        }
        if (RefuseTokens)
        {
            return TokenError("invalid_grant", "Invalid JWT Signature.");
        }
        var accessToken = $"ya29.test-{Interlocked.Increment(ref tokensIssued)}";
        issuedTokens[accessToken] = 0;
        return FakeResponse.Json(new JsonObject { ["access_token"] = accessToken, ["expires_in"] = 3599, ["token_type"] = "Bearer" }.ToJsonString());
    }

    private static FakeResponse TokenError(string error, string description) =>
        FakeResponse.Json(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), 400);

    /// <summary>Null when the JWT is signed RS256 by the test key, issued by its client email, for this token_uri and FCM's scope.</summary>
    private string? AssertionProblem(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "the assertion is not a JWT";
        }
        JsonNode? header;
        JsonNode? payload;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[0]));
            payload = JsonNode.Parse(WebEncoders.Base64UrlDecode(parts[1]));
            signature = WebEncoders.Base64UrlDecode(parts[2]);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return "the assertion is not a readable JWT";
        }
        if (Text(header, "alg") != "RS256")
        {
            return $"alg is '{Text(header, "alg")}', not RS256";
        }
        if (!key.Verifies(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature))
        {
            return "the signature does not verify with the service account's public key";
        }
        if (Text(payload, "iss") != ServiceAccountKey.ClientEmail)
        {
            return $"iss is '{Text(payload, "iss")}', not the client email";
        }
        // Google.Apis.Auth posts to the key file's token_uri but keeps Google's token URL as the audience.
        if (Text(payload, "aud") != GoogleTokenAudience)
        {
            return $"aud is '{Text(payload, "aud")}', expected {GoogleTokenAudience}";
        }
        if (!(Text(payload, "scope") ?? "").Split(' ').Any(scope => scope == MessagingScope))
        {
            return $"scope '{Text(payload, "scope")}' lacks {MessagingScope}";
        }
        if (payload?["exp"] is not JsonValue expiry || !expiry.TryGetValue<long>(out var expires) || expires <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return "exp is missing or past";
        }
        return null;
    }

    private async Task AnswerSendAsync(HttpContext context, string projectId)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !issuedTokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            await WriteAsync(context, FcmAnswers.Unauthenticated());
            return;
        }
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var json = await reader.ReadToEndAsync(context.RequestAborted);
        JsonObject? message;
        try
        {
            message = JsonNode.Parse(json)?["message"] as JsonObject;
        }
        catch (JsonException)
        {
            message = null;
        }
        if (message is null)
        {
            await WriteAsync(context, FcmAnswers.Error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
            return;
        }

        var deviceToken = Text(message, "token");
        var request = new FcmRequest(Interlocked.Increment(ref messageSequence), projectId, deviceToken, message, json);
        messages.Enqueue(request);
        if (deviceToken is not null)
        {
            messagesPerDevice.AddOrUpdate(deviceToken, 1, (_, count) => count + 1);
        }
        lock (gate)
        {
            inFlight++;
            maxInFlight = Math.Max(maxInFlight, inFlight);
        }
        try
        {
            await WriteAsync(context, NonStringDataValue(message) ?? Fcm(request));
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
            }
        }
    }

    /// <summary>FCM's data map takes strings only; anything else is refused with 400, as the real API does.</summary>
    private static FakeResponse? NonStringDataValue(JsonObject message)
    {
        if (message["data"] is not JsonObject data)
        {
            return null;
        }
        var index = 0;
        foreach (var (_, value) in data)
        {
            if (value is null || value.GetValueKind() != JsonValueKind.String)
            {
                return FcmAnswers.DataValueNotString(index, value?.ToJsonString() ?? "null");
            }
            index++;
        }
        return null;
    }

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject json && json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private Task WriteAsync(HttpContext context, FakeResponse response) =>
        response.WriteAsync(context, stopping.Token, "application/json; charset=UTF-8");
}
