using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Tests.Infrastructure;

internal static class HubClients
{
    /// <summary>A real SignalR client over WebSockets through the test server, signed in with the client's bearer token.</summary>
    public static async Task<HubConnection> ConnectAsync(TestApp app, HttpClient signedIn, string path, bool messagePack = false)
    {
        var connection = Build(app, signedIn, path, messagePack);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>The same client, not started yet, for tests that watch how the server ends the connection.</summary>
    public static HubConnection Build(TestApp app, HttpClient signedIn, string path, bool messagePack = false)
    {
        var token = signedIn.DefaultRequestHeaders.Authorization?.Parameter;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, path), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult(token);
                // Browsers cannot set headers on a WebSocket, so the token travels in the query string, as here.
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var uri = token is null ? context.Uri : new Uri($"{context.Uri}{(context.Uri.Query.Length > 0 ? "&" : "?")}access_token={Uri.EscapeDataString(token)}");
                    return await app.Server.CreateWebSocketClient().ConnectAsync(uri, cancellationToken);
                };
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder.Build();
    }
}
