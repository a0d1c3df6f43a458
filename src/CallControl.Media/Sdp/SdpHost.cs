using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Sdp;

/// <summary>
/// Strict checks for the host part of an SDP address. <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// alone is too forgiving ("1" is 0.0.0.1 to it), so IPv4 must be a dotted quad and IPv6 plain hex groups.
/// </summary>
internal static class SdpHost
{
    public static bool IsValid(ReadOnlySpan<char> host, SdpAddressType type)
    {
        var slash = host.IndexOf('/');
        if (slash >= 0)
        {
            // Multicast addresses carry "/ttl" and "/count" suffixes (RFC 8866 section 5.7).
            var suffix = host[(slash + 1)..];
            if (suffix.IsEmpty || suffix.ContainsAnyExcept("0123456789/") || suffix.EndsWith('/'))
            {
                return false;
            }

            host = host[..slash];
        }

        return IsIPLiteral(host, type) || IsDomainName(host);
    }

    public static bool IsIPLiteral(ReadOnlySpan<char> host, SdpAddressType type) =>
        type == SdpAddressType.IP4 ? IsDottedQuad(host) : IsIPv6Literal(host);

    private static bool IsDottedQuad(ReadOnlySpan<char> host)
    {
        var parts = 0;
        foreach (var range in host.Split('.'))
        {
            var part = host[range];
            if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || ToNumber(part) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    private static int ToNumber(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            value = value * 10 + (digit - '0');
        }

        return value;
    }

    private static bool IsIPv6Literal(ReadOnlySpan<char> host) =>
        host.Contains(':')
        && !host.ContainsAnyExcept("0123456789abcdefABCDEF:.")
        && IPAddress.TryParse(host, out var address)
        && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsDomainName(ReadOnlySpan<char> host) =>
        host.Length is > 0 and <= 253
        && !host.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        && (host.ContainsAnyInRange('a', 'z') || host.ContainsAnyInRange('A', 'Z'))
        && host[0] != '.' && host[0] != '-';
}
