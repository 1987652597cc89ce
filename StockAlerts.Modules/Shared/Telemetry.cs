using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StockAlerts.Modules.Shared;

/// <summary>
/// The service's one Meter and one ActivitySource, both named <see cref="Name"/>. Each module declares its own
/// instruments on <see cref="Meter"/>; the host decides what, if anything, is exported. With no exporter, recording is
/// close to free: an instrument nobody listens to drops its measurements at once.
/// </summary>
public sealed class Telemetry
{
    public const string Name = "StockAlerts";

    private readonly UpDownCounter<long> hubConnections;

    public Telemetry(IMeterFactory meters)
    {
        // From the container's factory rather than static, so each host (and each test app) has its own instruments.
        Meter = meters.Create(Name);
        hubConnections = Meter.CreateUpDownCounter<long>("stockalerts.signalr.connections", "{connection}", "Open SignalR connections, per hub.");
    }

    public static ActivitySource ActivitySource { get; } = new(Name);

    public Meter Meter { get; }

    public void HubConnected(string hub) => hubConnections.Add(1, new KeyValuePair<string, object?>("hub", hub));

    public void HubDisconnected(string hub) => hubConnections.Add(-1, new KeyValuePair<string, object?>("hub", hub));
}
