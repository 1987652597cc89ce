using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Modules.Notifications.Webhooks;
using PushMessage = StockAlerts.Modules.Notifications.Push.PushMessage;

namespace StockAlerts.Modules.Notifications.WebPush;

/// <summary>
/// One push to a browser subscription: the payload encrypted to the subscription's keys (RFC 8291, aes128gcm) and the
/// request signed with the server's VAPID key (RFC 8292). Never retries: the delivery job owns retries, as for FCM.
/// The payload is what the web app's service worker reads: {title, body, silent, data}; without a title (seen live
/// already) the worker shows no banner.
/// </summary>
internal sealed class WebPushSender(IHttpClientFactory httpClientFactory, VapidKeys keys, IOptions<WebPushOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webpush";

    public async Task<PushResult> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        if (message.WebPushKeys is not { } subscriptionKeys)
        {
            return new PushResult(PushOutcome.InvalidToken, ErrorCode: "no keys", Detail: "the browser subscription has no encryption keys");
        }
        var settings = options.Value;
        var vapid = await keys.GetAsync(cancellationToken);
        var subscription = new PushSubscription { Endpoint = message.Token };
        subscription.SetKey(PushEncryptionKeyName.P256DH, subscriptionKeys.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, subscriptionKeys.Auth);
        var client = new PushServiceClient(httpClientFactory.CreateClient(HttpClientName)) { DefaultTimeToLive = settings.TimeToLiveSeconds };
        var authentication = new VapidAuthentication(vapid.PublicKey, vapid.PrivateKey) { Subject = settings.Subject };
        var content = new Lib.Net.Http.WebPush.PushMessage(Payload(message))
        {
            Topic = message.CollapseKey is { Length: <= 32 } topic ? topic : null,
            Urgency = message.Silent ? PushMessageUrgency.Normal : PushMessageUrgency.High,
        };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, content, authentication, VapidAuthenticationScheme.Vapid, cancellationToken);
            return PushResult.Sent(null);
        }
        catch (PushServiceClientException exception)
        {
            return Classify(exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return exception.InnerException is WebhookTargetRefusedException refused
                ? new PushResult(PushOutcome.InvalidToken, ErrorCode: "endpoint refused", Detail: refused.Message)
                : PushResult.Retry("network", exception.GetType().Name);
        }
    }

    private PushResult Classify(PushServiceClientException exception) => exception.StatusCode switch
    {
        HttpStatusCode.NotFound or HttpStatusCode.Gone => new PushResult(PushOutcome.Unregistered, ErrorCode: $"http {(int)exception.StatusCode}", Detail: "the subscription expired or was removed"),
        HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
            PushResult.Retry($"http {(int)exception.StatusCode}", "push service busy", RetryAfter(exception)),
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => PushResult.ConfigurationError($"http {(int)exception.StatusCode}", "the push service refused our VAPID signature"),
        _ => new PushResult(PushOutcome.Rejected, ErrorCode: $"http {(int)exception.StatusCode}", Detail: exception.Message),
    };

    private TimeSpan? RetryAfter(PushServiceClientException exception)
    {
        var header = exception.Headers?.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    public static string Payload(PushMessage message)
    {
        var data = new JsonObject();
        foreach (var (name, value) in message.Data)
        {
            data[name] = value;
        }
        data["url"] = "/#/inbox";
        var payload = new JsonObject { ["body"] = message.Body, ["data"] = data };
        // Seen live already: no title, so the service worker shows no second banner; quiet hours: a banner without sound.
        if (!message.SeenLive)
        {
            payload["title"] = message.Title;
            payload["silent"] = message.Silent;
        }
        return payload.ToJsonString(JsonSerializerOptions.Web);
    }
}
