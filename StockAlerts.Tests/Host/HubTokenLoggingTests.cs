using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockAlerts.Modules.Prices.Quotes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed class HubTokenLoggingTests
{
    [Test]
    public async Task HubConnection_WithTheTokenInTheQueryString_NeverLogsTheToken_EvenAtTraceLevel()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(
            StorageKind.Sqlite,
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var user = await app.SignInAsync();
        var token = user.DefaultRequestHeaders.Authorization!.Parameter!;

        await using (var connection = await HubClients.ConnectAsync(app, user, "/hubs/prices"))
        {
            await connection.InvokeAsync<IReadOnlyList<QuoteView>>("Subscribe", new[] { "AAPL" });
        }
        await app.CreateClient().GetAsync($"/api/instruments?access_token={Uri.EscapeDataString(token)}");
        var lines = logs.Lines();

        Assert.That(lines.Any(line => line.Contains("Request starting") && line.Contains("/hubs/prices")), Is.True, "the hosting request log was captured");
        Assert.That(lines.Any(line => line.Contains("Request starting") && line.Contains("/api/instruments")), Is.True);
        Assert.That(lines.Where(line => line.Contains(token[..24], StringComparison.Ordinal)), Is.Empty, "a log line holds (part of) the access token");
        Assert.That(lines.Where(line => line.Contains("access_token", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    /// <summary>Every message, every structured value and every exception, as text.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly List<string> lines = [];

        public List<string> Lines()
        {
            lock (lines)
            {
                return [.. lines];
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                sink.Add($"{category} scope: {Describe(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Add($"{category} {logLevel}: {formatter(state, exception)} | {Describe(state)} | {exception}");

            private static string Describe(object? state) =>
                state is IEnumerable<KeyValuePair<string, object?>> values ? string.Join("; ", values.Select(value => $"{value.Key}={value.Value}")) : $"{state}";
        }

        private void Add(string line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
