namespace StockAlerts.Modules.Shared.Api;

/// <summary>
/// A SignalR hub as part of the public contract: where it is, the hub class (what a client may call) and the client
/// interface (what the server sends). Modules register one per hub; the host describes them all in AsyncAPI.
/// </summary>
public sealed record HubDescription(string Name, string Path, Type HubType, Type ClientInterface, string Description);
