namespace StockAlerts.Tests.Fakes;

/// <summary>One request the fake received. Header names are case-insensitive; query names are as sent.</summary>
internal sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers);
