using System.Net;
using System.Net.Sockets;

namespace CallControl.Api.Webhooks.Delivery;

public sealed partial class DestinationPolicy
{
    /// <summary>
    /// The class of <paramref name="address"/>. IPv6 forms that carry an IPv4 address (IPv4-mapped
    /// <c>::ffff:a.b.c.d</c>, NAT64 <c>64:ff9b::a.b.c.d</c>) take the class of that IPv4 address, because that is
    /// the host a connection reaches.
    /// </summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(bytes[..length]),
            AddressFamily.InterNetworkV6 => ClassifyV6(bytes[..length]),
            _ => AddressClass.Reserved,
        };
    }

    private static AddressClass ClassifyV4(ReadOnlySpan<byte> a) => (a[0], a[1], a[2], a[3]) switch
    {
        (0, _, _, _) => AddressClass.Unspecified,
        (127, _, _, _) => AddressClass.Loopback,
        (10, _, _, _) => AddressClass.Private,
        (172, >= 16 and <= 31, _, _) => AddressClass.Private,
        (192, 168, _, _) => AddressClass.Private,
        (169, 254, _, _) => AddressClass.LinkLocal,
        (100, >= 64 and <= 127, _, _) => AddressClass.SharedAddressSpace,
        (192, 0, 0, _) => AddressClass.ProtocolAssignments,
        (198, 18 or 19, _, _) => AddressClass.Benchmarking,
        (>= 224 and <= 239, _, _, _) => AddressClass.Multicast,
        (255, 255, 255, 255) => AddressClass.Broadcast,
        (>= 240, _, _, _) => AddressClass.Reserved,
        _ => AddressClass.Public,
    };

    private static AddressClass ClassifyV6(ReadOnlySpan<byte> a)
    {
        var first96Zero = !a[..12].ContainsAnyExcept((byte)0);
        if (first96Zero)
        {
            return (a[12], a[13], a[14], a[15]) switch
            {
                (0, 0, 0, 0) => AddressClass.Unspecified,
                (0, 0, 0, 1) => AddressClass.Loopback,
                _ => AddressClass.Reserved,
            };
        }

        if (!a[..10].ContainsAnyExcept((byte)0) && a[10] == 0xff && a[11] == 0xff)
        {
            return ClassifyV4(a[12..]);
        }

        // 64:ff9b::/96, the well-known NAT64 prefix: a translator forwards to the embedded IPv4 address.
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && !a[4..12].ContainsAnyExcept((byte)0))
        {
            return ClassifyV4(a[12..]);
        }

        return a[0] switch
        {
            0xff => AddressClass.Multicast,
            0xfc or 0xfd => AddressClass.Private,
            0xfe when (a[1] & 0xc0) == 0x80 => AddressClass.LinkLocal,
            0xfe when (a[1] & 0xc0) == 0xc0 => AddressClass.Private,
            _ => AddressClass.Public,
        };
    }

    private static string Describe(AddressClass addressClass) => addressClass switch
    {
        AddressClass.Loopback => "a loopback address (127.0.0.0/8, ::1)",
        AddressClass.Private => "a private network address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)",
        AddressClass.LinkLocal => "a link-local address (169.254.0.0/16, fe80::/10, where cloud metadata services live)",
        AddressClass.SharedAddressSpace => "a carrier-grade NAT address (100.64.0.0/10)",
        AddressClass.Unspecified => "an unspecified address (0.0.0.0/8, ::)",
        AddressClass.Multicast => "a multicast address (224.0.0.0/4, ff00::/8)",
        AddressClass.Broadcast => "the broadcast address",
        AddressClass.ProtocolAssignments => "an IETF protocol assignment address (192.0.0.0/24)",
        AddressClass.Benchmarking => "a benchmarking address (198.18.0.0/15)",
        AddressClass.Reserved => "a reserved address (240.0.0.0/4, IPv4-compatible IPv6)",
        _ => "a public address",
    };
}
