using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>The body of messages:send, with the proto (snake_case) field names FirebaseAdmin sends.</summary>
internal static class FcmMessageBuilder
{
    private const int MaxApnsCollapseIdBytes = 64;

    public static string Build(PushMessage push, int timeToLiveSeconds, DateTimeOffset now)
    {
        var message = new JsonObject { ["token"] = push.Token };
        if (!push.Silent)
        {
            message["notification"] = new JsonObject { ["title"] = push.Title, ["body"] = push.Body };
        }
        if (push.Data.Count > 0)
        {
            var data = new JsonObject();
            foreach (var (key, value) in push.Data)
            {
                data[key] = value;
            }
            message["data"] = data;
        }

        var platform = push.Platform?.Trim().ToLowerInvariant();
        if (Targets(platform, "android"))
        {
            message["android"] = Android(push, timeToLiveSeconds);
        }
        if (Targets(platform, "ios"))
        {
            message["apns"] = Apns(push, timeToLiveSeconds, now);
        }
        if (Targets(platform, "web"))
        {
            message["webpush"] = new JsonObject
            {
                ["headers"] = new JsonObject
                {
                    ["TTL"] = timeToLiveSeconds.ToString(CultureInfo.InvariantCulture),
                    ["Urgency"] = push.Silent ? "normal" : "high",
                },
            };
        }
        return new JsonObject { ["message"] = message }.ToJsonString();
    }

    private static bool Targets(string? platform, string candidate) =>
        platform is not ("android" or "ios" or "web") || platform == candidate;

    private static JsonObject Android(PushMessage push, int timeToLiveSeconds)
    {
        var android = new JsonObject
        {
            ["priority"] = push.Silent ? "normal" : "high",
            ["ttl"] = $"{timeToLiveSeconds.ToString(CultureInfo.InvariantCulture)}s",
        };
        if (!string.IsNullOrEmpty(push.CollapseKey))
        {
            android["collapse_key"] = push.CollapseKey;
            if (!push.Silent)
            {
                // The same tag makes a newer banner for the rule replace the older one in the tray.
                android["notification"] = new JsonObject { ["tag"] = push.CollapseKey };
            }
        }
        return android;
    }

    private static JsonObject Apns(PushMessage push, int timeToLiveSeconds, DateTimeOffset now)
    {
        var headers = new JsonObject
        {
            ["apns-priority"] = push.Silent ? "5" : "10",
            ["apns-push-type"] = push.Silent ? "background" : "alert",
            // 0 tells APNs to try once and not store the message.
            ["apns-expiration"] = timeToLiveSeconds == 0 ? "0" : now.AddSeconds(timeToLiveSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(push.CollapseKey) && Encoding.UTF8.GetByteCount(push.CollapseKey) <= MaxApnsCollapseIdBytes)
        {
            headers["apns-collapse-id"] = push.CollapseKey;
        }
        var aps = push.Silent
            ? new JsonObject { ["content-available"] = 1 }
            : new JsonObject { ["sound"] = "default" };
        return new JsonObject { ["headers"] = headers, ["payload"] = new JsonObject { ["aps"] = aps } };
    }
}
