using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>
/// Listens to one test app's "StockAlerts" instruments (that app's meter factory only, so other apps in the run never
/// count) and keeps every measurement from the moment it is made.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<Measurement> measurements = new();

    public MetricRecorder(TestApp app)
    {
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        // Resolving it publishes the shared instruments; the modules' own are published as their services are made.
        app.Services.GetRequiredService<Telemetry>();
        listener.InstrumentPublished = (instrument, subscriber) =>
        {
            if (instrument.Meter.Name == Telemetry.Name && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                subscriber.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    public IReadOnlyList<Measurement> Of(string instrument) => measurements.Where(measurement => measurement.Instrument == instrument).ToList();

    /// <summary>The sum of the measurements whose tags include every given one ("name=value").</summary>
    public double Sum(string instrument, params string[] tags) =>
        Of(instrument).Where(measurement => tags.All(tag => measurement.Tags.Contains(tag))).Sum(measurement => measurement.Value);

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, tagValue) in tags)
        {
            names.Add($"{key}={tagValue}");
        }
        measurements.Enqueue(new Measurement(instrument.Name, value, names));
    }

    internal sealed record Measurement(string Instrument, double Value, IReadOnlySet<string> Tags);
}
