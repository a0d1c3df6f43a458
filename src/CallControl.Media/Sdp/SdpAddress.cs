using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Sdp;

/// <summary>The address families SDP names in <c>o=</c>, <c>c=</c> and <c>a=rtcp</c>.</summary>
public enum SdpAddressType
{
    /// <summary><c>IP4</c>.</summary>
    IP4,

    /// <summary><c>IP6</c>.</summary>
    IP6,
}

/// <summary>
/// An <c>IN IP4|IP6 host</c> triple. <see cref="Host"/> is kept as written: usually an IP literal, but SDP
/// also allows a domain name and, for multicast, a <c>/ttl</c> suffix.
/// </summary>
public readonly record struct SdpAddress(SdpAddressType Type, string Host)
{
    /// <summary>The address of an IP literal, with the type taken from its family.</summary>
    public static SdpAddress FromIP(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new SdpAddress(address.AddressFamily == AddressFamily.InterNetworkV6 ? SdpAddressType.IP6 : SdpAddressType.IP4, address.ToString());
    }

    /// <summary>True when <see cref="Host"/> is an IP literal of the declared family.</summary>
    public bool TryGetIPAddress([NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (Host is null || !SdpHost.IsIPLiteral(Host.AsSpan(), Type) || !IPAddress.TryParse(Host, out var parsed))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>True for 0.0.0.0 or ::, the old way (RFC 2543) of saying "do not send to me".</summary>
    public bool IsUnspecified => TryGetIPAddress(out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
}
