namespace StockAlerts.Modules.Shared;

/// <summary>
/// Where the modules map their SignalR hubs. The host treats this prefix specially (CORS with credentials, no body
/// limit, the query-string token moved into the header), so every hub must live under it.
/// </summary>
public static class HubRoutes
{
    public const string Prefix = "/hubs";

    public static string For(string hub) => $"{Prefix}/{hub}";
}
