using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>
/// POSTs a notification as JSON, signed with the rule's secret so the receiver can trust it:
/// X-StockAlerts-Signature = "sha256=" + lowercase hex HMAC-SHA256(secret, "{timestamp}.{body}") over UTF-8, with
/// X-StockAlerts-Timestamp = the Unix seconds signed, and Idempotency-Key = the notification id (the same on retries).
/// </summary>
internal sealed partial class WebhookSender(
    IHttpClientFactory httpClientFactory,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookSender> logger) : IWebhookSender
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "X-StockAlerts-Signature";
    public const string TimestampHeader = "X-StockAlerts-Timestamp";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly bool allowPrivateTargets = options.Value.AllowPrivateTargets;

    /// <summary>The X-StockAlerts-Signature value, "sha256=" included.</summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var signed = string.Create(CultureInfo.InvariantCulture, $"{timestamp}.{body}");
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed));
        return $"sha256={Convert.ToHexStringLower(hash)}";
    }

    public async Task<WebhookResult> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(message.Url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (allowPrivateTargets && uri.Scheme == Uri.UriSchemeHttp)))
        {
            var refused = new WebhookResult(WebhookOutcome.Refused, Detail: "only absolute https URLs are allowed");
            LogOutcome(logger, LogLevel.Warning, "(invalid url)", message.NotificationId, refused.Outcome, null, refused.Detail);
            return refused;
        }
        var result = await PostAsync(uri, message, cancellationToken);
        var level = result.Outcome == WebhookOutcome.Delivered ? LogLevel.Debug : LogLevel.Warning;
        LogOutcome(logger, level, uri.Host, message.NotificationId, result.Outcome, result.StatusCode, result.Detail);
        return result;
    }

    private async Task<WebhookResult> PostAsync(Uri uri, WebhookMessage message, CancellationToken cancellationToken)
    {
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(message.Body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(message.Secret, timestamp, message.Body));
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, message.NotificationId);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return Classify(response, timeProvider.GetUtcNow());
        }
        catch (HttpRequestException exception) when (RefusalIn(exception) is { } refusal)
        {
            return new WebhookResult(WebhookOutcome.Refused, Detail: refusal.Message);
        }
        catch (HttpRequestException exception)
        {
            return new WebhookResult(WebhookOutcome.Retry, Detail: exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(WebhookOutcome.Retry, Detail: "no answer within the timeout");
        }
    }

    private static WebhookResult Classify(HttpResponseMessage response, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new WebhookResult(WebhookOutcome.Delivered, status),
            >= 300 and < 400 => new WebhookResult(WebhookOutcome.Rejected, status, $"redirects are not followed (to {response.Headers.Location?.ToString() ?? "nowhere"})"),
            (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 =>
                new WebhookResult(WebhookOutcome.Retry, status, $"HTTP {status}", RetryAfter(response, now)),
            _ => new WebhookResult(WebhookOutcome.Rejected, status, $"HTTP {status}"),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static WebhookTargetRefusedException? RefusalIn(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is WebhookTargetRefusedException refusal)
            {
                return refusal;
            }
        }
        return null;
    }

    [LoggerMessage(Message = "Webhook to {Host} for notification {NotificationId} ended {Outcome} (HTTP {StatusCode}): {Detail}")]
    private static partial void LogOutcome(ILogger logger, LogLevel level, string host, string notificationId, WebhookOutcome outcome, int? statusCode, string? detail);
}
