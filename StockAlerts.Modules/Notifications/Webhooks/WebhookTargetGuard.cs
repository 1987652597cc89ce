using System.Net;
using System.Net.Sockets;

namespace StockAlerts.Modules.Notifications.Webhooks;

/// <summary>
/// Keeps webhooks away from internal networks (SSRF). The check runs in SocketsHttpHandler.ConnectCallback, after
/// DNS and on the very addresses connected to, so a name that resolves to a public address when checked and to a
/// private one when connected (DNS rebinding) is still refused.
/// </summary>
internal static class WebhookTargetGuard
{
    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] IPv4CompatiblePrefix = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static SocketsHttpHandler CreateHandler(bool allowPrivateTargets) => new()
    {
        AllowAutoRedirect = false,
        // Through a proxy the callback would see the proxy's address, not the target's.
        UseProxy = false,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateTargets, cancellationToken),
    };

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateTargets, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.TrimStart('[').TrimEnd(']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        if (!allowPrivateTargets && addresses.FirstOrDefault(IsForbidden) is { } forbidden)
        {
            throw new WebhookTargetRefusedException($"{host} resolves to {forbidden}, a private, loopback, link-local or otherwise internal address");
        }

        Exception? lastFailure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception exception)
            {
                socket.Dispose();
                if (exception is not SocketException)
                {
                    throw;
                }
                lastFailure = exception;
            }
        }
        throw lastFailure ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>True for every address a webhook must not reach: private, loopback, link-local, CGNAT, multicast, unspecified.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsForbiddenIPv4(bytes),
            AddressFamily.InterNetworkV6 => IsForbiddenIPv6(address, bytes),
            _ => true,
        };
    }

    private static bool IsForbiddenIPv4(byte[] bytes) => bytes[0] switch
    {
        0 or 10 or 127 => true,
        100 => (bytes[1] & 0xC0) == 64,
        169 => bytes[1] == 254,
        172 => (bytes[1] & 0xF0) == 16,
        192 => bytes[1] == 168,
        >= 224 => true,
        _ => false,
    };

    private static bool IsForbiddenIPv6(IPAddress address, byte[] bytes)
    {
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC)
        {
            return true;
        }
        // These embed an IPv4 address in their last four bytes (:: and ::1 included, as 0.0.0.0 and 0.0.0.1).
        ReadOnlySpan<byte> prefix = bytes.AsSpan(0, 12);
        if (prefix.SequenceEqual(Nat64Prefix) || prefix.SequenceEqual(IPv4CompatiblePrefix))
        {
            return IsForbiddenIPv4(bytes[12..]);
        }
        return false;
    }
}
