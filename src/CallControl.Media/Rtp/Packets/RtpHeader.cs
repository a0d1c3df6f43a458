using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>
/// A view of an RTP data packet (RFC 3550 §5.1) over the received bytes: nothing is copied, so the relay
/// can inspect and forward a packet without allocating.
/// </summary>
public readonly ref struct RtpHeader
{
    /// <summary>The fixed header before any CSRC: V/P/X/CC, M/PT, sequence, timestamp, SSRC.</summary>
    public const int FixedLength = 12;

    /// <summary>The only RTP version in use.</summary>
    public const int Version = 2;

    /// <summary>At most 15 contributing sources fit the 4-bit CC field.</summary>
    public const int MaxCsrcCount = 15;

    private readonly ReadOnlySpan<byte> _packet;

    private RtpHeader(ReadOnlySpan<byte> packet, int headerLength, int paddingLength)
    {
        _packet = packet;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
    }

    /// <summary>Whether the P bit is set; <see cref="PaddingLength"/> then counts the trailing octets.</summary>
    public bool HasPadding => (_packet[0] & 0x20) != 0;

    /// <summary>Whether a header extension follows the CSRC list.</summary>
    public bool HasExtension => (_packet[0] & 0x10) != 0;

    public int CsrcCount => _packet[0] & 0x0F;

    public bool Marker => (_packet[1] & 0x80) != 0;

    public byte PayloadType => (byte)(_packet[1] & 0x7F);

    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet[2..]);

    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);

    /// <summary>Octets from the start of the packet to the payload: fixed header, CSRCs and extension.</summary>
    public int HeaderLength { get; }

    /// <summary>Trailing padding octets, including the count octet itself; 0 without the P bit.</summary>
    public int PaddingLength { get; }

    /// <summary>The profile-defined 16 bits that open a header extension; 0 without one.</summary>
    public ushort ExtensionProfile =>
        HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_packet[ExtensionOffset..]) : (ushort)0;

    /// <summary>The header extension's data words, after its 4-octet profile and length.</summary>
    public ReadOnlySpan<byte> ExtensionData =>
        HasExtension ? _packet[(ExtensionOffset + 4)..HeaderLength] : ReadOnlySpan<byte>.Empty;

    /// <summary>The payload, without padding.</summary>
    public ReadOnlySpan<byte> Payload => _packet[HeaderLength..(_packet.Length - PaddingLength)];

    /// <summary>The whole packet the header was read from.</summary>
    public ReadOnlySpan<byte> Packet => _packet;

    private int ExtensionOffset => FixedLength + (4 * CsrcCount);

    /// <summary>The contributing source at <paramref name="index"/> (0 ≤ index &lt; <see cref="CsrcCount"/>).</summary>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_packet[(FixedLength + (4 * index))..]);
    }

    /// <summary>
    /// Reads the header of <paramref name="packet"/>. Returns false, without throwing, for anything that is not
    /// a well-formed version 2 packet: too short, an SR or RR, CSRCs or extension running past the end, or a
    /// padding count that is zero or eats into the header.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        // An RTCP SR or RR read as RTP would show marker set and payload type 72 or 73 (A.1); refusing them
        // keeps RTCP multiplexed on the RTP port (RFC 5761) from being relayed as media.
        if (packet.Length < FixedLength || packet[0] >> 6 != Version || packet[1] is 200 or 201)
        {
            return false;
        }

        var headerLength = FixedLength + (4 * (packet[0] & 0x0F));
        if (packet.Length < headerLength)
        {
            return false;
        }

        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < headerLength + 4)
            {
                return false;
            }

            var extensionWords = BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
            headerLength += 4 + (4 * extensionWords);
            if (packet.Length < headerLength)
            {
                return false;
            }
        }

        var paddingLength = 0;
        if ((packet[0] & 0x20) != 0)
        {
            paddingLength = packet[^1];
            if (paddingLength == 0 || paddingLength > packet.Length - headerLength)
            {
                return false;
            }
        }

        header = new RtpHeader(packet, headerLength, paddingLength);
        return true;
    }
}
