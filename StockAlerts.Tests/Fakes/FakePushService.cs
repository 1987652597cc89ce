using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// A browser vendor's push service, as RFC 8030 describes it, for browsers the test plays itself: each subscription
/// has its own P-256 key pair and auth secret. A push is accepted only with a valid VAPID signature (RFC 8292: ES256
/// JWT for this origin, not expired, with a subject) and is then decrypted (RFC 8291, aes128gcm) with the
/// subscription's private key: a payload encrypted wrongly fails the test. Answers can be set per subscription.
/// </summary>
internal sealed class FakePushService : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Subscription> subscriptions = new();
    private readonly ConcurrentQueue<ReceivedPush> received = new();
    private readonly ConcurrentQueue<string> refusals = new();

    private FakePushService(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>What to answer a valid push for a subscription (201 by default; 410, 404, 429 with Retry-After, 500 ...).</summary>
    public Func<Subscription, FakeResponse> Answer { get; set; } = _ => new FakeResponse(201, "", new Dictionary<string, string>(), TimeSpan.Zero);

    public IReadOnlyList<ReceivedPush> Received => [.. received];

    public IReadOnlyList<string> Refusals => [.. refusals];

    public static async Task<FakePushService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new FakePushService(app);
        app.MapPost("/push/{id}", service.HandleAsync);
        await app.StartAsync();
        service.BaseUrl = app.Urls.First();
        return service;
    }

    /// <summary>A browser subscribing: its endpoint here, and the keys it would hand to the page (toJSON().keys).</summary>
    public Subscription Subscribe()
    {
        var subscription = new Subscription($"{BaseUrl}/push/{Guid.NewGuid():N}", ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256), RandomNumberGenerator.GetBytes(16));
        subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    private async Task HandleAsync(HttpContext context, string id)
    {
        if (!subscriptions.TryGetValue(id, out var subscription))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var body = await ReadAllAsync(context.Request.Body);
        var problem = VapidProblem(context.Request, out var publicKey);
        string? payload = null;
        if (problem is null)
        {
            if (context.Request.Headers.ContentEncoding != "aes128gcm")
            {
                problem = $"Content-Encoding is '{context.Request.Headers.ContentEncoding}', not aes128gcm";
            }
            else if (!int.TryParse(context.Request.Headers["TTL"], out _))
            {
                problem = "no TTL header";
            }
            else
            {
                try
                {
                    payload = subscription.Decrypt(body);
                }
                catch (CryptographicException exception)
                {
                    problem = $"the payload does not decrypt with the subscription's keys: {exception.Message}";
                }
            }
        }
        if (problem is not null)
        {
            refusals.Enqueue(problem);
            context.Response.StatusCode = problem.StartsWith("VAPID", StringComparison.Ordinal) ? 401 : 400;
            await context.Response.WriteAsync(problem);
            return;
        }
        var answer = Answer(subscription);
        received.Enqueue(new ReceivedPush(subscription.Id, JsonNode.Parse(payload!)!.AsObject(), publicKey!, context.Request.Headers["Urgency"].ToString(),
            context.Request.Headers["Topic"].ToString(), answer.Status));
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }
        if (answer.Status == 201)
        {
            context.Response.Headers.Location = $"{BaseUrl}/message/{Guid.NewGuid():N}";
        }
    }

    /// <summary>Null when the request carries "vapid t=JWT, k=KEY" with a valid ES256 JWT for this origin.</summary>
    private string? VapidProblem(HttpRequest request, out string? publicKey)
    {
        publicKey = null;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("vapid ", StringComparison.Ordinal))
        {
            return $"VAPID: Authorization is '{header.Split(' ')[0]}', not vapid";
        }
        var parts = header["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)).Where(part => part.Length == 2).ToDictionary(part => part[0], part => part[1]);
        if (!parts.TryGetValue("t", out var jwt) || !parts.TryGetValue("k", out var key))
        {
            return "VAPID: t= and k= are both needed";
        }
        publicKey = key;
        var pieces = jwt.Split('.');
        if (pieces.Length != 3)
        {
            return "VAPID: t is not a JWT";
        }
        var header64 = JsonNode.Parse(WebEncoders.Base64UrlDecode(pieces[0]))!;
        var claims = JsonNode.Parse(WebEncoders.Base64UrlDecode(pieces[1]))!;
        if (header64["alg"]?.GetValue<string>() != "ES256")
        {
            return "VAPID: alg is not ES256";
        }
        var keyBytes = WebEncoders.Base64UrlDecode(key);
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = keyBytes[1..33], Y = keyBytes[33..65] } });
        if (!verifier.VerifyData(Encoding.ASCII.GetBytes($"{pieces[0]}.{pieces[1]}"), WebEncoders.Base64UrlDecode(pieces[2]), HashAlgorithmName.SHA256))
        {
            return "VAPID: the signature does not verify with k";
        }
        var origin = $"{request.Scheme}://{request.Host.Host}";
        if (claims["aud"]?.GetValue<string>()?.TrimEnd('/') is not { } audience || !origin.StartsWith(audience, StringComparison.Ordinal))
        {
            return $"VAPID: aud '{claims["aud"]}' is not this push service ({origin})";
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]?.GetValue<long>() ?? 0);
        if (expires < DateTimeOffset.UtcNow || expires > DateTimeOffset.UtcNow.AddHours(24))
        {
            return "VAPID: exp is in the past or more than 24 hours ahead";
        }
        return claims["sub"]?.GetValue<string>() is { Length: > 0 } ? null : "VAPID: no sub";
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        foreach (var subscription in subscriptions.Values)
        {
            subscription.Keys.Dispose();
        }
    }

    internal sealed record ReceivedPush(string SubscriptionId, JsonObject Payload, string VapidPublicKey, string Urgency, string Topic, int AnsweredStatus);

    internal sealed class Subscription(string endpoint, ECDiffieHellman keys, byte[] authSecret)
    {
        public string Endpoint { get; } = endpoint;

        public string Id => Endpoint[(Endpoint.LastIndexOf('/') + 1)..];

        public ECDiffieHellman Keys { get; } = keys;

        public string P256dh => WebEncoders.Base64UrlEncode(PublicKey());

        public string Auth => WebEncoders.Base64UrlEncode(authSecret);

        private byte[] PublicKey()
        {
            var point = Keys.ExportParameters(false).Q;
            return [0x04, .. point.X!, .. point.Y!];
        }

        /// <summary>RFC 8291 with RFC 8188's aes128gcm: salt, record size, the sender's key, then one record.</summary>
        public string Decrypt(byte[] body)
        {
            if (body.Length < 21 + 65 + 17)
            {
                throw new CryptographicException("the body is too short for an aes128gcm record");
            }
            var salt = body[..16];
            var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
            var keyIdLength = body[20];
            if (keyIdLength != 65 || recordSize < 18)
            {
                throw new CryptographicException("the header's key id is not a P-256 public key");
            }
            var senderPublic = body[21..86];
            var ciphertext = body[86..];
            using var sender = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = senderPublic[1..33], Y = senderPublic[33..65] } });
            var sharedSecret = Keys.DeriveRawSecretAgreement(sender.PublicKey);
            var keyInfo = Encoding.ASCII.GetBytes("WebPush: info\0").Concat(PublicKey()).Concat(senderPublic).ToArray();
            var inputKeyingMaterial = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, authSecret, keyInfo);
            var contentKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyingMaterial, 16, salt, Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"));
            var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyingMaterial, 12, salt, Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"));
            var plaintext = new byte[ciphertext.Length - 16];
            using (var aes = new AesGcm(contentKey, 16))
            {
                aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plaintext);
            }
            // The last record ends with the delimiter 0x02, then optional zero padding.
            var end = Array.FindLastIndex(plaintext, value => value != 0);
            if (end < 0 || plaintext[end] != 0x02)
            {
                throw new CryptographicException("the record has no final padding delimiter");
            }
            return Encoding.UTF8.GetString(plaintext, 0, end);
        }
    }
}
