using CallControl.Media.Audio;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Dtmf;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Calls.Legs;

public sealed partial class RtpLeg
{
    // Decoded audio of one packet for the recorder: the largest G.711 payload a datagram can carry.
    private readonly short[] _decoded = new short[MediaSocket.MaxDatagramSize];
    private readonly DtmfDigit[] _digits = new DtmfDigit[2];
    private long _received;
    private long _dropped;
    private long _mutedPackets;

    /// <summary>What the far end has sent, and what became of it.</summary>
    public RtpLegCounters Counters => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _mutedPackets),
        Interlocked.Read(ref _relayedOut),
        Interlocked.Read(ref _generatedOut),
        Interlocked.Read(ref _notSentOut));

    private void OnRtp(Span<byte> packet)
    {
        // The leg's own clock, not the socket's, so that statistics, inactivity and rewriting share one time base.
        var receivedAt = _time.GetTimestamp();
        if (!RtpHeader.TryRead(packet, out var header))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        Interlocked.Increment(ref _received);
        var payloadType = header.PayloadType;
        var ssrc = header.Ssrc;
        var timestamp = header.Timestamp;
        if (!Measure(ssrc, header.SequenceNumber, timestamp, receivedAt))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        var remote = Volatile.Read(ref _remote);
        var isEvent = remote?.TelephoneEventPayloadType == payloadType;
        if (isEvent)
        {
            ReceiveDigit(ssrc, timestamp, header.Payload, receivedAt);
        }
        else if (payloadType is RtpLegRemote.Pcmu or RtpLegRemote.Pcma && Volatile.Read(ref _tap) is { } tap)
        {
            var payload = header.Payload;
            var samples = _decoded.AsSpan(0, payload.Length);
            if (payloadType == RtpLegRemote.Pcmu)
            {
                G711.DecodeMuLaw(payload, samples);
            }
            else
            {
                G711.DecodeALaw(payload, samples);
            }

            tap.Write(samples);
        }

        if (Volatile.Read(ref _peer) is not { } peer)
        {
            return;
        }

        if (Volatile.Read(ref _muted))
        {
            Interlocked.Increment(ref _mutedPackets);
            return;
        }

        peer.SendFromPeer(packet, header.HeaderLength, header.PaddingLength, payloadType, isEvent, receivedAt);
    }

    /// <summary>Updates the statistics of the packet's source; false when it is a source too many.</summary>
    private bool Measure(uint ssrc, ushort sequence, uint timestamp, long receivedAt)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(ssrc, out var statistics))
            {
                if (_sources.Count >= MaxSources)
                {
                    return false;
                }

                statistics = new RtpReceiverStatistics();
                _sources.Add(ssrc, statistics);
            }

            statistics.Update(sequence, timestamp, ArrivalInRtpUnits(receivedAt));
            _farEndSsrc = ssrc;
            _hasFarEnd = true;
            _lastActivityTimestamp = receivedAt;
            return true;
        }
    }

    private void ReceiveDigit(uint ssrc, uint timestamp, ReadOnlySpan<byte> payload, long receivedAt)
    {
        int count;
        lock (_gate)
        {
            count = _dtmfReceiver.Receive(ssrc, timestamp, payload, _time.GetElapsedTime(_startTimestamp, receivedAt), _digits);
        }

        for (var index = 0; index < count; index++)
        {
            DigitReceived?.Invoke(_digits[index]);
        }
    }

    /// <summary>Closes a digit whose end packets were all lost.</summary>
    private void PollDigits()
    {
        bool closed;
        DtmfDigit digit;
        lock (_gate)
        {
            closed = _dtmfReceiver.Poll(_time.GetElapsedTime(_startTimestamp), out digit);
        }

        if (closed)
        {
            DigitReceived?.Invoke(digit);
        }
    }
}
