using System.Diagnostics.Metrics;
using StockAlerts.Modules.Notifications.Push;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Modules.Notifications;

internal sealed class NotificationsMetrics(Telemetry telemetry)
{
    public const string Retry = "retry";

    private readonly Counter<long> created = telemetry.Meter.CreateCounter<long>(
        "stockalerts.notifications.created", "{notification}", "Notifications stored (one per firing).");

    private readonly Counter<long> deliveries = telemetry.Meter.CreateCounter<long>(
        "stockalerts.notifications.deliveries", "{delivery}",
        "Delivery outcomes per channel (push, live, webhook) and outcome (sent, failed, skipped, retry); a digest push counts each notification it carries.");

    private readonly Histogram<double> fcmDuration = telemetry.Meter.CreateHistogram(
        "stockalerts.notifications.fcm.duration", "s", "FCM send requests, from request to answer, per outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public void Created(int count = 1) => created.Add(count);

    public void Delivered(string channel, string outcome) =>
        deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void FcmAnswered(PushOutcome outcome, TimeSpan duration) =>
        fcmDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    private static string OutcomeName(PushOutcome outcome) => outcome switch
    {
        PushOutcome.Sent => "sent",
        PushOutcome.Unregistered => "unregistered",
        PushOutcome.InvalidToken => "invalid_token",
        PushOutcome.Retry => "retry",
        PushOutcome.ConfigurationError => "configuration_error",
        _ => "rejected",
    };
}
