using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>
/// FCM HTTP v1 on HttpClient and Google.Apis.Auth (FirebaseAdmin is not available). A singleton: the credential,
/// and so the cached access token, is shared by every send. Never logs the access token or the private key.
/// </summary>
internal sealed partial class FcmPushSender(
    IHttpClientFactory httpClientFactory,
    IOptions<FirebaseOptions> options,
    NotificationsMetrics metrics,
    TimeProvider timeProvider,
    ILogger<FcmPushSender> logger) : IPushSender, IDisposable
{
    public const string HttpClientName = "fcm";
    private const int DeviceTokenPrefixLength = 8;

    private readonly FirebaseOptions settings = options.Value;
    private readonly FirebaseCredential credential = FirebaseCredential.Load(options.Value);
    // Settings are only validated when credentials are configured, so an unconfigured sender must not trip on them.
    private readonly SemaphoreSlim concurrency = new(Math.Max(1, options.Value.MaxConcurrentRequests), Math.Max(1, options.Value.MaxConcurrentRequests));

    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.CredentialsPath);

    public async Task<PushResult> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return PushResult.NotConfigured;
        }
        var result = await DeliverAsync(message, cancellationToken);
        LogOutcome(message, result);
        return result;
    }

    public void Dispose() => concurrency.Dispose();

    private async Task<PushResult> DeliverAsync(PushMessage message, CancellationToken cancellationToken)
    {
        if (credential.TokenAccess is not { } tokenAccess || credential.ProjectId is not { } projectId)
        {
            return PushResult.ConfigurationError("credentials", credential.Problem ?? "the service-account credentials could not be loaded");
        }
        var uri = new Uri($"{settings.BaseUrl.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(projectId)}/messages:send");
        var (accessToken, tokenFailure) = await GetAccessTokenAsync(tokenAccess, uri, cancellationToken);
        if (accessToken is null)
        {
            return tokenFailure!;
        }

        var body = FcmMessageBuilder.Build(message, settings.TimeToLiveSeconds, timeProvider.GetUtcNow());
        await concurrency.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = await PostAsync(uri, accessToken, body, cancellationToken);
            metrics.FcmAnswered(result.Outcome, Stopwatch.GetElapsedTime(started));
            return result;
        }
        finally
        {
            concurrency.Release();
        }
    }

    private async Task<(string? AccessToken, PushResult? Failure)> GetAccessTokenAsync(ITokenAccess tokenAccess, Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.RequestTimeoutSeconds));
        try
        {
            return (await tokenAccess.GetAccessTokenForRequestAsync(uri.ToString(), timeout.Token), null);
        }
        catch (TokenResponseException exception)
        {
            var status = (int?)exception.StatusCode;
            var code = exception.Error?.Error ?? "token error";
            var detail = $"the token endpoint answered {status?.ToString(CultureInfo.InvariantCulture) ?? "an error"}: {code} {exception.Error?.ErrorDescription}".Trim();
            // A refused grant (bad key, deleted service account, wrong token_uri) needs a person; a 5xx passes.
            return (null, status is null or >= 500 or 408 or 429 ? PushResult.Retry(code, detail) : PushResult.ConfigurationError(code, detail));
        }
        catch (HttpRequestException exception)
        {
            return (null, PushResult.Retry("token endpoint unreachable", exception.Message));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, PushResult.Retry("timeout", $"no access token within {settings.RequestTimeoutSeconds} s"));
        }
        catch (CryptographicException exception)
        {
            return (null, PushResult.ConfigurationError("credentials", $"the private key cannot sign: {exception.Message}"));
        }
    }

    private async Task<PushResult> PostAsync(Uri uri, string accessToken, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return FcmResponseReader.Read(response, text, timeProvider.GetUtcNow());
        }
        catch (HttpRequestException exception)
        {
            return PushResult.Retry("network", exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PushResult.Retry("timeout", $"no answer from FCM within {settings.RequestTimeoutSeconds} s");
        }
    }

    private void LogOutcome(PushMessage message, PushResult result)
    {
        var device = message.Token.Length <= DeviceTokenPrefixLength ? message.Token : message.Token[..DeviceTokenPrefixLength] + "...";
        if (result.Outcome == PushOutcome.Sent)
        {
            LogSent(logger, device, result.MessageName);
            return;
        }
        var level = result.Outcome switch
        {
            PushOutcome.ConfigurationError => LogLevel.Error,
            PushOutcome.Rejected or PushOutcome.Retry => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        LogFailed(logger, level, device, result.Outcome, result.ErrorCode, result.Detail, result.RetryAfter);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Push to device {Device} sent as {MessageName}")]
    private static partial void LogSent(ILogger logger, string device, string? messageName);

    [LoggerMessage(Message = "Push to device {Device} ended {Outcome} ({ErrorCode}): {Detail}; retry after {RetryAfter}")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string device, PushOutcome outcome, string? errorCode, string? detail, TimeSpan? retryAfter);
}
