using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>How statuses, bodies and exceptions become a ProviderError, the same way for every HTTP provider.</summary>
internal static class ProviderFailures
{
    private const int MaxMessageLength = 200;
    private const long MaxUnixSeconds = 253_402_300_799;

    public static ProviderError MissingKey(string provider) =>
        new(ProviderErrorKind.Configuration, "no api key", $"{ProviderSettings.SectionPrefix}:{provider}:ApiKey is not set");

    public static ProviderError BadBaseUrl(string provider) =>
        new(ProviderErrorKind.Configuration, "bad base url", $"{ProviderSettings.SectionPrefix}:{provider}:BaseUrl is not an absolute http(s) URL");

    public static ProviderError Malformed(string detail) => new(ProviderErrorKind.Transient, "malformed", detail);

    /// <summary>Null unless the result is an absolute http(s) URL (on Unix "/latest" alone would parse as a file URI).</summary>
    public static Uri? BuildUri(string baseUrl, string pathAndQuery) =>
        Uri.TryCreate($"{baseUrl.TrimEnd('/')}/{pathAndQuery}", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;

    public static ProviderError FromStatus(HttpResponseMessage response, string body, DateTimeOffset now, string? apiKey)
    {
        var status = (int)response.StatusCode;
        var code = $"http {status}";
        var message = Summarize(body, response.ReasonPhrase, apiKey);
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new ProviderError(ProviderErrorKind.RateLimited, code, message, RetryAfter(response, now)),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound => new ProviderError(ProviderErrorKind.Configuration, code, message),
            HttpStatusCode.RequestTimeout => new ProviderError(ProviderErrorKind.Transient, code, message),
            _ when status is >= 400 and < 500 => new ProviderError(ProviderErrorKind.InvalidRequest, code, message),
            _ => new ProviderError(ProviderErrorKind.Transient, code, message),
        };
    }

    /// <summary>Provider and network failures; a cancellation the caller asked for is not one of them.</summary>
    public static bool IsExpected(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException or ExecutionRejectedException or JsonException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static ProviderError FromException(Exception exception) => exception switch
    {
        TimeoutRejectedException or OperationCanceledException => new ProviderError(ProviderErrorKind.Transient, "timeout", "no answer within the timeout"),
        BrokenCircuitException => new ProviderError(ProviderErrorKind.Transient, "circuit open", "requests are held back after repeated failures"),
        JsonException json => Malformed($"the body is not the expected JSON: {json.Message}"),
        _ => new ProviderError(ProviderErrorKind.Transient, "network", exception.Message),
    };

    public static DateTime? FromUnixSeconds(long? seconds) =>
        seconds is long value && value is > 0 and <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(value).UtcDateTime : null;

    public static LogLevel LevelOf(ProviderError error) =>
        error.Kind is ProviderErrorKind.Configuration or ProviderErrorKind.QuotaExhausted ? LogLevel.Error : LogLevel.Warning;

    /// <summary>Retry-After (seconds or a date), else Finnhub's X-Ratelimit-Reset (Unix seconds).</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }
        if (response.Headers.RetryAfter?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }
        if (response.Headers.TryGetValues("X-Ratelimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), out var resetSeconds)
            && FromUnixSeconds(resetSeconds) is { } reset)
        {
            var until = new DateTimeOffset(reset, TimeSpan.Zero);
            return until > now ? until - now : TimeSpan.Zero;
        }
        return null;
    }

    private static string Summarize(string body, string? reasonPhrase, string? apiKey)
    {
        var text = ErrorText(body) ?? body.Trim();
        if (text.Length == 0)
        {
            text = reasonPhrase ?? "no details";
        }
        if (!string.IsNullOrEmpty(apiKey))
        {
            text = text.Replace(apiKey, "***", StringComparison.Ordinal);
        }
        return text.Length <= MaxMessageLength ? text : text[..MaxMessageLength];
    }

    /// <summary>Finnhub answers {"error":"..."}, the apilayer gateway {"message":"..."}.</summary>
    private static string? ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString();
            }
            return root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
