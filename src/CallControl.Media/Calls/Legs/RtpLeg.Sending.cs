using CallControl.Media.Audio;
using CallControl.Media.Calls.Relay;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Dtmf;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Calls.Legs;

public sealed partial class RtpLeg
{
    private readonly RtpStreamRewriter _out;
    private readonly Lock _sendGate = new();
    private readonly short[] _frame = new short[AudioFormat.FrameSamples];
    private readonly byte[] _payload = new byte[AudioFormat.FrameSamples];
    private readonly byte[] _localBuffer = new byte[RtpHeader.FixedLength + AudioFormat.FrameSamples];
    private readonly byte[] _eventPayload = new byte[DtmfEvent.Size];

    // The stream the leg makes itself (music, digits), before the rewriter puts it on the leg's SSRC.
    private readonly uint _localSsrc;
    private ushort _localSequence;
    private uint _localTimestamp;

    private IAudioSource? _playing;
    private bool _playsLocally;
    private DtmfSender? _dtmf;
    private string? _dtmfDigits;
    private bool _audioLastTick;
    private bool _sentSinceReport;
    private uint _packetsSent;
    private uint _octetsSent;
    private long _relayedOut;
    private long _generatedOut;
    private long _notSentOut;

    /// <summary>
    /// Plays <paramref name="source"/> to the far end from the next tick, one frame per tick, instead of what the
    /// peer says; null sends nothing at all (RTCP continues), which is silence without spending bandwidth on it.
    /// </summary>
    public void PlayToFarEnd(IAudioSource? source)
    {
        lock (_sendGate)
        {
            _playing = source;
            _playsLocally = true;
        }
    }

    /// <summary>Goes back to sending the far end what the peer says (the default).</summary>
    public void RelayToFarEnd()
    {
        lock (_sendGate)
        {
            _playing = null;
            _playsLocally = false;
        }
    }

    /// <summary>
    /// Sends <paramref name="digits"/> as RFC 4733 events from the next tick, in place of anything else the far
    /// end would hear meanwhile; <see cref="DigitsSent"/> follows. False when the far end did not negotiate
    /// telephone-event, holds the call (takes no media), or digits are still being sent.
    /// </summary>
    /// <exception cref="ArgumentException">A character is not a DTMF key.</exception>
    public bool SendDigits(string digits, TimeSpan now)
    {
        if (Volatile.Read(ref _remote) is not { TelephoneEventPayloadType: not null, SendToFarEnd: true })
        {
            return false;
        }

        lock (_sendGate)
        {
            if (_dtmf is not null)
            {
                return false;
            }

            _dtmf = new DtmfSender(digits, now, _localTimestamp);
            _dtmfDigits = digits;
            return true;
        }
    }

    /// <summary>
    /// A packet of the peer's far end, for this far end: its payload type is mapped to ours (G.711 transcoded in
    /// place when the two legs chose different laws), then it is renumbered onto our stream and sent.
    /// </summary>
    private void SendFromPeer(Span<byte> packet, int headerLength, int paddingLength, byte payloadType, bool isEvent, long receivedAt)
    {
        var remote = Volatile.Read(ref _remote);
        if (remote is null || !remote.SendToFarEnd)
        {
            Interlocked.Increment(ref _notSentOut);
            return;
        }

        byte outType;
        if (isEvent)
        {
            if (remote.TelephoneEventPayloadType is not { } eventType)
            {
                Interlocked.Increment(ref _notSentOut);
                return;
            }

            outType = eventType;
        }
        else if (payloadType is RtpLegRemote.Pcmu or RtpLegRemote.Pcma)
        {
            outType = remote.PayloadType;
            // Padding is not audio: its last octet is its length, which transcoding would change.
            var payload = packet[headerLength..^paddingLength];
            if (payloadType != outType)
            {
                if (outType == RtpLegRemote.Pcma)
                {
                    G711.MuLawToALaw(payload, payload);
                }
                else
                {
                    G711.ALawToMuLaw(payload, payload);
                }
            }
        }
        else
        {
            // Comfort noise or a codec this leg never offered: the far end could not play it.
            Interlocked.Increment(ref _notSentOut);
            return;
        }

        packet[1] = (byte)((packet[1] & 0x80) | outType);
        lock (_sendGate)
        {
            if (_playsLocally || _dtmf is not null || Volatile.Read(ref _closed) != 0)
            {
                Interlocked.Increment(ref _notSentOut);
                return;
            }

            SendRewrittenLocked(packet, packet.Length - headerLength - paddingLength, receivedAt, ref _relayedOut);
        }
    }

    /// <summary>One tick of what the leg makes itself: digits while any are due, else a frame of music if playing.</summary>
    private void SendLocal(TimeSpan due)
    {
        string? finished = null;
        lock (_sendGate)
        {
            var remote = Volatile.Read(ref _remote);
            var sends = remote is { SendToFarEnd: true };
            var audioThisTick = false;
            if (_dtmf is { } dtmf)
            {
                while (dtmf.TryNext(due, out var digitPacket))
                {
                    if (sends)
                    {
                        digitPacket.Event.WriteTo(_eventPayload);
                        var length = RtpPacketWriter.Write(
                            _localBuffer, digitPacket.Marker, remote!.TelephoneEventPayloadType ?? 101, _localSequence++, digitPacket.Timestamp, _localSsrc, _eventPayload);
                        // Every packet of an event carries the event's start timestamp: the rewriter must pair it with
                        // that start, not with now, or the audio after the digit would be stamped inside it.
                        var behind = Math.Max(0, (int)(_localTimestamp - digitPacket.Timestamp));
                        var stampedAt = _time.GetTimestamp() - (behind * _time.TimestampFrequency / ClockRate);
                        SendRewrittenLocked(_localBuffer.AsSpan(0, length), DtmfEvent.Size, stampedAt, ref _generatedOut);
                    }
                }

                if (dtmf.IsComplete)
                {
                    _dtmf = null;
                    finished = _dtmfDigits;
                    _dtmfDigits = null;
                }
            }
            else if (_playing is { } source && sends)
            {
                source.Read(_frame);
                if (remote!.PayloadType == RtpLegRemote.Pcmu)
                {
                    G711.EncodeMuLaw(_frame, _payload);
                }
                else
                {
                    G711.EncodeALaw(_frame, _payload);
                }

                // The marker starts each talkspurt: the first frame after silence, or after digits.
                var length = RtpPacketWriter.Write(_localBuffer, marker: !_audioLastTick, remote.PayloadType, _localSequence++, _localTimestamp, _localSsrc, _payload);
                SendRewrittenLocked(_localBuffer.AsSpan(0, length), _payload.Length, _time.GetTimestamp(), ref _generatedOut);
                audioThisTick = true;
            }

            // The timestamp runs on through silence so the far end places the next talkspurt in time (RFC 3550 §5.1).
            _localTimestamp += AudioFormat.FrameSamples;
            _audioLastTick = audioThisTick;
        }

        if (finished is not null)
        {
            DigitsSent?.Invoke(finished);
        }
    }

    /// <param name="payloadLength">The packet's payload octets, which the SR counts (RFC 3550 §6.4.1: no header, CSRCs, extension or padding).</param>
    private void SendRewrittenLocked(Span<byte> packet, int payloadLength, long at, ref long counter)
    {
        if (!_out.TryRewrite(packet, at))
        {
            Interlocked.Increment(ref _notSentOut);
            return;
        }

        if (!_sockets.Rtp.Send(packet))
        {
            Interlocked.Increment(ref _notSentOut);
            return;
        }

        Interlocked.Increment(ref counter);
        _sentSinceReport = true;
        _packetsSent++;
        _octetsSent += (uint)payloadLength;
    }
}
