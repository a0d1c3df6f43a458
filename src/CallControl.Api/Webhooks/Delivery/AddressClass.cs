namespace CallControl.Api.Webhooks.Delivery;

/// <summary>Which kind of network an IP address belongs to, as far as reaching it from the service is concerned.</summary>
public enum AddressClass
{
    /// <summary>Routable on the public internet: the only class allowed without configuration.</summary>
    Public,

    /// <summary>127.0.0.0/8 and ::1: the service's own host.</summary>
    Loopback,

    /// <summary>10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (unique local) and fec0::/10 (old site-local).</summary>
    Private,

    /// <summary>169.254.0.0/16 and fe80::/10; includes cloud metadata endpoints such as 169.254.169.254.</summary>
    LinkLocal,

    /// <summary>100.64.0.0/10, the carrier-grade NAT shared address space.</summary>
    SharedAddressSpace,

    /// <summary>0.0.0.0/8 and ::; connecting to them reaches the local host on common systems.</summary>
    Unspecified,

    /// <summary>224.0.0.0/4 and ff00::/8.</summary>
    Multicast,

    /// <summary>255.255.255.255.</summary>
    Broadcast,

    /// <summary>192.0.0.0/24, IETF protocol assignments.</summary>
    ProtocolAssignments,

    /// <summary>198.18.0.0/15, reserved for benchmarking network devices.</summary>
    Benchmarking,

    /// <summary>240.0.0.0/4 and the deprecated IPv4-compatible IPv6 range ::/96.</summary>
    Reserved,
}
