using System.Collections.Concurrent;

namespace StockAlerts.Modules.Prices.Streaming;

/// <summary>This instance's live subscriptions, by connection; published to the store so every instance's polls see them.</summary>
internal sealed class LiveSubscriptions
{
    private readonly ConcurrentDictionary<string, HashSet<string>> byConnection = new(StringComparer.Ordinal);

    public string Instance { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public int CountFor(string connectionId) =>
        byConnection.TryGetValue(connectionId, out var symbols) ? Locked(symbols, set => set.Count) : 0;

    public bool Contains(string connectionId, string symbol) =>
        byConnection.TryGetValue(connectionId, out var symbols) && Locked(symbols, set => set.Contains(symbol));

    public void Add(string connectionId, IEnumerable<string> symbols)
    {
        var set = byConnection.GetOrAdd(connectionId, _ => new HashSet<string>(StringComparer.Ordinal));
        Locked(set, current => { current.UnionWith(symbols); return 0; });
    }

    public void Remove(string connectionId, IEnumerable<string> symbols)
    {
        if (byConnection.TryGetValue(connectionId, out var set))
        {
            Locked(set, current => { current.ExceptWith(symbols); return 0; });
        }
    }

    public void RemoveConnection(string connectionId) => byConnection.TryRemove(connectionId, out _);

    /// <summary>Each connection that follows some of <paramref name="bySymbol"/>'s symbols, with their items.</summary>
    public void ForEachFollower<T>(IReadOnlyDictionary<string, T> bySymbol, Action<string, List<T>> visit)
    {
        foreach (var (connectionId, set) in byConnection)
        {
            List<T>? followed = null;
            lock (set)
            {
                foreach (var symbol in set)
                {
                    if (bySymbol.TryGetValue(symbol, out var item))
                    {
                        (followed ??= []).Add(item);
                    }
                }
            }
            if (followed is not null)
            {
                visit(connectionId, followed);
            }
        }
    }

    public IReadOnlyCollection<string> AllSymbols() =>
        byConnection.Values.SelectMany(set => Locked(set, current => current.ToList())).ToHashSet(StringComparer.Ordinal);

    private static T Locked<T>(HashSet<string> set, Func<HashSet<string>, T> read)
    {
        lock (set)
        {
            return read(set);
        }
    }
}
