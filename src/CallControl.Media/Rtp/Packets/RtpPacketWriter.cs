using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>Writes RTP data packets (RFC 3550 §5.1) into a caller's buffer, typically a pooled one.</summary>
public static class RtpPacketWriter
{
    /// <summary>
    /// Writes a header without padding or extension, then <paramref name="payload"/>, and returns the octets
    /// written. A destination too small is a sizing bug in the caller, so it throws rather than truncating.
    /// </summary>
    public static int Write(
        Span<byte> destination,
        bool marker,
        byte payloadType,
        ushort sequenceNumber,
        uint timestamp,
        uint ssrc,
        ReadOnlySpan<byte> payload,
        ReadOnlySpan<uint> csrcs = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(csrcs.Length, RtpHeader.MaxCsrcCount, nameof(csrcs));
        var headerLength = RtpHeader.FixedLength + (4 * csrcs.Length);
        var length = headerLength + payload.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"An RTP packet of {length} octets does not fit {destination.Length}.", nameof(destination));
        }

        destination[0] = (byte)((RtpHeader.Version << 6) | csrcs.Length);
        destination[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        for (var i = 0; i < csrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(RtpHeader.FixedLength + (4 * i))..], csrcs[i]);
        }

        payload.CopyTo(destination[headerLength..]);
        return length;
    }
}
