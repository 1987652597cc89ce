namespace StockAlerts.Tests.Fakes;

/// <summary>One POST the fake webhook receiver got. Header names are case-insensitive.</summary>
internal sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body);
