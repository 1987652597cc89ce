using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry with its template fields, to check what a structured line carries.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> entries = new();

    public IReadOnlyList<Entry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, entries);

    public void Dispose()
    {
    }

    internal sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Fields);

    private sealed class Recorder(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value)
                : new Dictionary<string, object?>();
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), fields));
        }
    }
}
