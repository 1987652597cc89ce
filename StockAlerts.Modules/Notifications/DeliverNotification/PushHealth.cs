using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockAlerts.Modules.Notifications.Push;

namespace StockAlerts.Modules.Notifications.DeliverNotification;

/// <summary>Push configuration in /health/ready: not configured, working, or refused by FCM as misconfigured (401/403).</summary>
internal sealed class PushHealth(IPushSender push, TimeProvider time) : IHealthCheck
{
    private (DateTime At, string Error)? lastConfigurationError;

    public void ReportConfigurationError(string error) => lastConfigurationError = (time.GetUtcNow().UtcDateTime, error);

    public void ReportSent() => lastConfigurationError = null;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!push.IsConfigured)
        {
            return Task.FromResult(HealthCheckResult.Healthy("push not configured (set Firebase:CredentialsPath); live and webhook delivery work"));
        }
        return Task.FromResult(lastConfigurationError is { } error
            ? HealthCheckResult.Degraded($"FCM refused our credentials at {error.At:u}: {error.Error}")
            : HealthCheckResult.Healthy("push configured"));
    }
}
