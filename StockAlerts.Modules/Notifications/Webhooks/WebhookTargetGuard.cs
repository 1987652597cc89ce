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
    private static readonly byte[] IPv4TranslatedPrefix = [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0];

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
        if (!allowPrivateTargets && addresses.Any(IsForbidden))
        {
            // Not which address: the owner of a rule must not learn the layout of the network the service runs in.
            throw new WebhookTargetRefusedException($"{host} is not a public address (private, loopback, link-local or otherwise internal); webhooks go to public addresses only");
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

    /// <summary>The IANA special-purpose ranges that are not the public internet (RFC 6890 and its updates).</summary>
    private static bool IsForbiddenIPv4(byte[] bytes) => bytes[0] switch
    {
        0 or 10 or 127 => true,
        100 => (bytes[1] & 0xC0) == 64,                                  // 100.64.0.0/10 carrier-grade NAT
        169 => bytes[1] == 254,                                          // link-local
        172 => (bytes[1] & 0xF0) == 16,                                  // 172.16.0.0/12
        192 => bytes[1] == 168                                           // 192.168.0.0/16
            || (bytes[1] == 0 && bytes[2] is 0 or 2)                     // 192.0.0.0/24 protocol assignments, 192.0.2.0/24 documentation
            || (bytes[1] == 88 && bytes[2] == 99),                       // 192.88.99.0/24 6to4 relay
        198 => (bytes[1] & 0xFE) == 18 || (bytes[1] == 51 && bytes[2] == 100), // 198.18.0.0/15 benchmarking, 198.51.100.0/24 documentation
        203 => bytes[1] == 0 && bytes[2] == 113,                         // 203.0.113.0/24 documentation
        >= 224 => true,                                                  // multicast, reserved, broadcast
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
        if (prefix.SequenceEqual(Nat64Prefix) || prefix.SequenceEqual(IPv4CompatiblePrefix) || prefix.SequenceEqual(IPv4TranslatedPrefix))
        {
            return IsForbiddenIPv4(bytes[12..]);
        }
        return (bytes[0], bytes[1], bytes[2], bytes[3]) switch
        {
            (0x00, 0x64, 0xff, 0x9b) => bytes[4] == 0 && bytes[5] == 1,    // 64:ff9b:1::/48 local-use NAT64
            (0x20, 0x02, _, _) => true,                                  // 2002::/16 6to4: reaches an IPv4 address we cannot vet
            (0x20, 0x01, 0x00, 0x00) => true,                            // 2001::/32 Teredo, likewise
            (0x20, 0x01, 0x0d, 0xb8) => true,                            // 2001:db8::/32 documentation
            (0x01, 0x00, 0x00, 0x00) => bytes.AsSpan(4, 4).SequenceEqual(new byte[4]), // 100::/64 discard
            _ => false,
        };
    }
}
