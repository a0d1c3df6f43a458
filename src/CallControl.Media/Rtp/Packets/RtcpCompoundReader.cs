namespace CallControl.Media.Rtp.Packets;

/// <summary>Walks the packets of an RTCP compound packet without copying them.</summary>
public ref struct RtcpCompoundReader
{
    private ReadOnlySpan<byte> _remaining;

    public RtcpCompoundReader(ReadOnlySpan<byte> compound)
    {
        _remaining = compound;
    }

    /// <summary>Whether reading stopped on bytes that are not a packet rather than at the end.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The next packet; false at the end or, with <see cref="IsMalformed"/> set, at a malformed one.</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        if (_remaining.IsEmpty || IsMalformed)
        {
            packet = default;
            return false;
        }

        if (!RtcpPacket.TryRead(_remaining, out packet, out var length))
        {
            IsMalformed = true;
            return false;
        }

        _remaining = _remaining[length..];
        return true;
    }

    /// <summary>
    /// RFC 3550 Appendix A.2's checks on a whole compound packet: every packet version 2, the first an SR or RR,
    /// padding only on the last, and the lengths adding up to exactly the datagram.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> compound)
    {
        var reader = new RtcpCompoundReader(compound);
        var first = true;
        var padded = false;
        while (reader.TryReadNext(out var packet))
        {
            if (padded || (first && packet.Type is not (RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport)))
            {
                return false;
            }

            first = false;
            padded = packet.HasPadding;
        }

        return !first && !reader.IsMalformed;
    }
}
