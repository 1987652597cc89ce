using System.Net;
using System.Text.Json;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>
/// Turns an FCM HTTP v1 answer into a PushResult. FCM's errorCode decides first (its HTTP status and google.rpc
/// status do not always match it), then the HTTP status.
/// </summary>
internal static class FcmResponseReader
{
    private const int MaxDetailLength = 300;

    public static PushResult Read(HttpResponseMessage response, string body, DateTimeOffset now)
    {
        if (response.IsSuccessStatusCode)
        {
            return PushResult.Sent(MessageName(body));
        }
        var status = (int)response.StatusCode;
        var error = FcmError.TryParse(body);
        var outcome = Classify(status, error);
        var errorCode = error?.ErrorCode ?? error?.Status ?? $"http {status}";
        var detail = Shorten(error?.Message ?? (string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? "no details" : body));
        var retryAfter = outcome == PushOutcome.Retry ? RetryAfter(response, now) : null;
        return new PushResult(outcome, null, errorCode, detail, retryAfter);
    }

    private static PushOutcome Classify(int status, FcmError? error) => error?.ErrorCode switch
    {
        "UNREGISTERED" => PushOutcome.Unregistered,
        "SENDER_ID_MISMATCH" or "THIRD_PARTY_AUTH_ERROR" or "APNS_AUTH_ERROR" => PushOutcome.ConfigurationError,
        "QUOTA_EXCEEDED" or "UNAVAILABLE" or "INTERNAL" => PushOutcome.Retry,
        "INVALID_ARGUMENT" => PointsAtToken(error) ? PushOutcome.InvalidToken : PushOutcome.Rejected,
        _ => status switch
        {
            (int)HttpStatusCode.BadRequest => PointsAtToken(error) ? PushOutcome.InvalidToken : PushOutcome.Rejected,
            // A 404 without UNREGISTERED means a wrong project id: treating it as a dead token would delete every device.
            (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden or (int)HttpStatusCode.NotFound => PushOutcome.ConfigurationError,
            (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => PushOutcome.Retry,
            _ => PushOutcome.Rejected,
        },
    };

    /// <summary>FCM's documented text is "The registration token is not a valid FCM registration token".</summary>
    private static bool PointsAtToken(FcmError? error) =>
        error is not null
        && ((error.Message?.Contains("registration token", StringComparison.OrdinalIgnoreCase) ?? false)
            || error.Fields.Any(field => field.Equals("message.token", StringComparison.Ordinal)));

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static string? MessageName(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Text(document.RootElement, "name") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= MaxDetailLength ? text : text[..MaxDetailLength];
    }

    /// <summary>The error envelope; every part is optional, and the FcmError detail may be missing.</summary>
    private sealed record FcmError(string? Status, string? Message, string? ErrorCode, IReadOnlyList<string> Fields)
    {
        private const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

        public static FcmError? TryParse(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("error", out var error)
                    || error.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }
                string? errorCode = null;
                var fields = new List<string>();
                if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    foreach (var detail in details.EnumerateArray().Where(detail => detail.ValueKind == JsonValueKind.Object))
                    {
                        if (Text(detail, "@type") == FcmErrorType)
                        {
                            errorCode ??= Text(detail, "errorCode");
                        }
                        if (detail.TryGetProperty("fieldViolations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                        {
                            fields.AddRange(violations.EnumerateArray()
                                .Where(violation => violation.ValueKind == JsonValueKind.Object)
                                .Select(violation => Text(violation, "field"))
                                .OfType<string>());
                        }
                    }
                }
                return new FcmError(Text(error, "status"), Text(error, "message"), errorCode, fields);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
