using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>
/// One packet of an RTCP compound packet (RFC 3550 §6.4–6.6): its common header and its body, as a view over
/// the received bytes. The typed views (<see cref="RtcpSenderReport"/>, …) read the body.
/// </summary>
public readonly ref struct RtcpPacket
{
    /// <summary>V/P/count, packet type and length in 32-bit words minus one.</summary>
    public const int HeaderLength = 4;

    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _paddingLength;

    private RtcpPacket(ReadOnlySpan<byte> packet, int paddingLength)
    {
        _packet = packet;
        _paddingLength = paddingLength;
    }

    /// <summary>The packet type octet; RFC 3550's types are in <see cref="RtcpPacketType"/>.</summary>
    public RtcpPacketType Type => (RtcpPacketType)_packet[1];

    /// <summary>The 5-bit count field: report blocks, SDES chunks or BYE sources, depending on the type.</summary>
    public int Count => _packet[0] & 0x1F;

    public bool HasPadding => _paddingLength > 0;

    /// <summary>The whole packet, header and padding included.</summary>
    public ReadOnlySpan<byte> Packet => _packet;

    /// <summary>What follows the common header, without padding.</summary>
    public ReadOnlySpan<byte> Body => _packet[HeaderLength..(_packet.Length - _paddingLength)];

    /// <summary>
    /// Reads the packet at the start of <paramref name="data"/>. False, without throwing, when the version is
    /// not 2, the length runs past the data, or the padding count is zero or larger than the body.
    /// </summary>
    /// <param name="length">Octets the packet occupies, so the caller can move on to the next.</param>
    public static bool TryRead(ReadOnlySpan<byte> data, out RtcpPacket packet, out int length)
    {
        packet = default;
        length = 0;
        if (data.Length < HeaderLength || data[0] >> 6 != 2)
        {
            return false;
        }

        var packetLength = (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1) * 4;
        if (packetLength > data.Length)
        {
            return false;
        }

        var bytes = data[..packetLength];
        var paddingLength = 0;
        if ((data[0] & 0x20) != 0)
        {
            paddingLength = bytes[^1];
            if (paddingLength == 0 || paddingLength > packetLength - HeaderLength)
            {
                return false;
            }
        }

        packet = new RtcpPacket(bytes, paddingLength);
        length = packetLength;
        return true;
    }

    internal static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int length)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }
}
