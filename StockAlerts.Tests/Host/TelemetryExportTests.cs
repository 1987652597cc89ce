using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Tests.Fakes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>OTLP export, configured either way, reaches a collector with the app's spans and metrics, and no secret.</summary>
[NonParallelizable]
public sealed class TelemetryExportTests
{
    private const string FixerKey = "fixer-key-that-must-not-be-exported";

    [TestCase(true, StorageKind.Sqlite, TestName = "OtlpExport_ConfiguredAsTelemetryOtlpEndpoint_SendsSpansAndMetricsWithoutTheProviderKey")]
    [TestCase(false, StorageKind.MariaDb, TestName = "OtlpExport_ConfiguredWithTheStandardVariables_SendsSpansAndMetricsWithoutTheProviderKey_RedisIncluded")]
    public async Task OtlpExport_SendsSpansAndMetricsWithoutTheProviderKey(bool ownSetting, StorageKind storage)
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var quotes = await FakeQuoteServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Prices:Providers:simulated:Enabled"] = "false",
            // The classic fixer host takes the key in the query string: the riskiest place for a span to copy it from.
            ["Prices:Providers:fixer:ApiKey"] = FixerKey,
            ["Prices:Providers:fixer:BaseUrl"] = quotes.BaseUrl + "/fixer",
        };
        if (ownSetting)
        {
            settings["Telemetry:OtlpEndpoint"] = collector.BaseUrl;
            settings["Telemetry:OtlpProtocol"] = "http/protobuf";
        }
        else
        {
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl;
            settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }

        await using var app = await TestApp.StartAsync(storage, settings);
        var user = await app.SignInAsync();
        await app.Services.RunAndStoreAsync("prices:poll:fixer");
        (await user.GetAsync("/api/prices/EURUSD")).EnsureSuccessStatusCode();
        // Flushed here rather than by disposing the app: the request's span ends a moment after its answer, and a
        // disposal may take the exporters' HTTP clients down before they flush.
        await WaitForAsync(() =>
        {
            app.Services.GetRequiredService<TracerProvider>().ForceFlush(5_000);
            app.Services.GetRequiredService<MeterProvider>().ForceFlush(5_000);
            app.Services.GetRequiredService<LoggerProvider>().ForceFlush(5_000);
            return collector.TextAt("/v1/traces").Contains("/api/prices/{symbol}", StringComparison.Ordinal)
                && collector.TextAt("/v1/metrics").Contains("stockalerts.prices.ticks", StringComparison.Ordinal)
                && collector.TextAt("/v1/logs").Contains("Telemetry: OTLP export", StringComparison.Ordinal);
        });
        var traces = collector.TextAt("/v1/traces");
        var metrics = collector.TextAt("/v1/metrics");

        Assert.That(traces, Does.Contain("job prices:poll:fixer"), "the job's own span");
        Assert.That(traces, Does.Contain("/api/prices/{symbol}"), "the request's span, named by its route");
        Assert.That(traces, Does.Contain("stockalerts"), "the service name");
        Assert.That(traces, Does.Contain("OpenTelemetry.Instrumentation.EntityFrameworkCore").And.Contain(storage == StorageKind.Sqlite ? "sqlite" : "mysql"));
        if (storage == StorageKind.MariaDb)
        {
            Assert.That(traces, Does.Contain("OpenTelemetry.Instrumentation.StackExchangeRedis"));
        }
        Assert.That(metrics, Does.Contain("stockalerts.prices.ticks").And.Contain("http.server.request.duration"));
        Assert.That(collector.TextAt("/v1/logs"), Does.Contain("Telemetry: OTLP export"), "logs go to the collector as well");
        Assert.That(traces + metrics + collector.TextAt("/v1/logs"), Does.Not.Contain(FixerKey));
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 50 && !done(); attempt++)
        {
            await Task.Delay(100);
        }
    }
}
