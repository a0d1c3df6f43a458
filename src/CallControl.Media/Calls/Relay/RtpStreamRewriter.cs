using System.Buffers.Binary;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Calls.Relay;

/// <summary>
/// The stream we send towards one phone of a bridge, whatever feeds it: our own SSRC, sequence numbers and
/// timestamps, onto which each incoming packet is mapped by rewriting its header in place.
/// </summary>
/// <remarks>
/// Within one source the mapping is a fixed offset, so gaps (loss), reordering and timestamp spacing reach
/// the phone exactly as they arrived and its jitter buffer and loss statistics stay truthful. When the source
/// changes the offsets are chosen again so that the phone sees one continuous stream: the next sequence number,
/// a timestamp advanced by the wall-clock time since our last packet, and the marker bit that tells its
/// jitter buffer to resynchronise (RFC 3550 §5.1, RFC 3551 §4.1). Packets are given one at a time by the
/// receive loop of the socket feeding it; only <see cref="Reanchor"/> may come from another thread.
/// </remarks>
public sealed class RtpStreamRewriter
{
    /// <summary>G.711's RTP clock.</summary>
    public const int DefaultClockRate = 8000;

    // A step further than this within one SSRC is a new stream (a restarted sender, a switch behind an SBC
    // that kept the SSRC), not loss or reordering: 100 packets is 2 s of 20 ms audio.
    private const int MaxSequenceStep = 100;

    // Likewise for timestamps: 10 s at 8 kHz; silence suppression can legitimately skip a few seconds.
    private const uint MaxTimestampStep = 80_000;

    private readonly long _timestampFrequency;
    private readonly int _clockRate;
    private bool _anchored;
    private int _reanchorRequested;
    private uint _sourceSsrc;
    private ushort _lastSourceSequence;
    private uint _lastSourceTimestamp;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _highestSequence;
    private uint _lastTimestamp;
    private long _lastSentAt;

    /// <param name="ssrc">Our SSRC towards the phone, constant for the life of the call.</param>
    /// <param name="firstSequence">The sequence number of the first packet; random per RFC 3550 §5.1.</param>
    /// <param name="firstTimestamp">The timestamp of the first packet; random per RFC 3550 §5.1.</param>
    /// <param name="timestampFrequency">Ticks per second of the receive timestamps given to <see cref="TryRewrite"/>.</param>
    public RtpStreamRewriter(uint ssrc, ushort firstSequence, uint firstTimestamp, long timestampFrequency, int clockRate = DefaultClockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        Ssrc = ssrc;
        _timestampFrequency = timestampFrequency;
        _clockRate = clockRate;
        _highestSequence = (ushort)(firstSequence - 1);
        _lastTimestamp = firstTimestamp;
    }

    public uint Ssrc { get; }

    /// <summary>Times the output was re-anchored on a new source, the first one included.</summary>
    public long Reanchors { get; private set; }

    /// <summary>A rewriter with a random SSRC, sequence and timestamp, as RFC 3550 §5.1 asks.</summary>
    public static RtpStreamRewriter CreateRandom(long timestampFrequency, int clockRate = DefaultClockRate) =>
        new((uint)Random.Shared.NextInt64(1, uint.MaxValue), (ushort)Random.Shared.Next(ushort.MaxValue + 1), (uint)Random.Shared.NextInt64(uint.MaxValue + 1L), timestampFrequency, clockRate);

    /// <summary>
    /// The timestamp of the stream at <paramref name="now"/> (ticks of the constructor's frequency): the last
    /// packet's, advanced by the time since it was sent; what an RTCP sender report pairs with its NTP time.
    /// </summary>
    public uint TimestampAt(long now)
    {
        var elapsed = (long)((Int128)Math.Max(0, now - _lastSentAt) * _clockRate / _timestampFrequency);
        return _anchored ? _lastTimestamp + (uint)elapsed : _lastTimestamp;
    }

    /// <summary>
    /// Makes the next packet start a new anchor even if it comes from the same SSRC: the bridge was re-pointed
    /// and the next source may by chance reuse one.
    /// </summary>
    public void Reanchor() => Volatile.Write(ref _reanchorRequested, 1);

    /// <summary>
    /// Rewrites SSRC, sequence number, timestamp and possibly the marker of <paramref name="packet"/> in place;
    /// false, leaving it untouched, if it is not a valid RTP packet.
    /// </summary>
    /// <param name="receivedAt">When it arrived, in ticks of the frequency given to the constructor.</param>
    public bool TryRewrite(Span<byte> packet, long receivedAt)
    {
        if (!RtpHeader.TryRead(packet, out var header))
        {
            return false;
        }

        var ssrc = header.Ssrc;
        var sequence = header.SequenceNumber;
        var timestamp = header.Timestamp;
        var marker = header.Marker;
        if (Interlocked.Exchange(ref _reanchorRequested, 0) != 0 || !_anchored || IsNewSource(ssrc, sequence, timestamp))
        {
            Anchor(ssrc, sequence, timestamp, receivedAt);
            marker = true;
        }

        var outSequence = (ushort)(sequence + _sequenceOffset);
        var outTimestamp = timestamp + _timestampOffset;
        if ((short)(outSequence - _highestSequence) > 0)
        {
            _highestSequence = outSequence;
            _lastTimestamp = outTimestamp;
            _lastSentAt = receivedAt;
            _lastSourceSequence = sequence;
            _lastSourceTimestamp = timestamp;
        }

        if (marker)
        {
            packet[1] |= 0x80;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], outSequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], outTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], Ssrc);
        return true;
    }

    private bool IsNewSource(uint ssrc, ushort sequence, uint timestamp)
    {
        if (ssrc != _sourceSsrc)
        {
            return true;
        }

        var sequenceStep = (short)(sequence - _lastSourceSequence);
        var timestampStep = (int)(timestamp - _lastSourceTimestamp);
        return Math.Abs((int)sequenceStep) > MaxSequenceStep || Math.Abs((long)timestampStep) > MaxTimestampStep;
    }

    private void Anchor(uint ssrc, ushort sequence, uint timestamp, long receivedAt)
    {
        var outSequence = (ushort)(_highestSequence + 1);
        uint outTimestamp;
        if (_anchored)
        {
            var elapsed = (long)((Int128)Math.Max(0, receivedAt - _lastSentAt) * _clockRate / _timestampFrequency);
            // Never repeat the previous timestamp: a jitter buffer would take the new packet for the same instant.
            outTimestamp = _lastTimestamp + (uint)Math.Max(1, elapsed);
        }
        else
        {
            outTimestamp = _lastTimestamp;
        }

        _anchored = true;
        _sourceSsrc = ssrc;
        _sequenceOffset = (ushort)(outSequence - sequence);
        _timestampOffset = outTimestamp - timestamp;
        _lastSourceSequence = sequence;
        _lastSourceTimestamp = timestamp;
        Reanchors++;
    }
}
