namespace CallControl.Media.Rtp.Dtmf;

/// <summary>
/// Turns a stream of telephone-event packets into digits, each reported once, when it ends.
/// An event is identified by SSRC and RTP timestamp: the updates and the three end packets of one event share
/// them, and a new timestamp is a new press even of the same key. A digit whose end packets are all lost is
/// reported when a packet of another event arrives, or by <see cref="Poll"/> once no packet of it has arrived
/// for the timeout. Not thread-safe: one receiver per leg, driven by that leg's receive loop.
/// </summary>
public sealed class DtmfReceiver
{
    /// <summary>
    /// The default silence after which an event without end packets is closed. Senders refresh a running event
    /// every 50 ms or so (RFC 4733 suggests that rate), so 250 ms without a packet means the end was lost rather than delayed.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(250);

    private readonly TimeSpan _timeout;

    private bool _hasPending;
    private DtmfDigit _pending;
    private TimeSpan _pendingLastSeen;

    private bool _hasLast;
    private uint _lastSsrc;
    private uint _lastTimestamp;

    /// <param name="timeout">How long an event may go without a packet before <see cref="Poll"/> closes it; <see cref="DefaultTimeout"/> when null.</param>
    public DtmfReceiver(TimeSpan? timeout = null)
    {
        _timeout = timeout ?? DefaultTimeout;
        if (_timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), _timeout, "The timeout must be positive.");
        }
    }

    /// <summary>
    /// Takes one telephone-event packet and writes the digits it completes to <paramref name="digits"/>:
    /// at most two, an earlier digit whose end was lost and this packet's own if it is an end packet.
    /// </summary>
    /// <param name="digits">Room for at least two digits.</param>
    /// <returns>The number of digits written; 0 for updates, repeats, stale packets and malformed or non-digit payloads.</returns>
    public int Receive(uint ssrc, uint timestamp, ReadOnlySpan<byte> payload, TimeSpan now, Span<DtmfDigit> digits)
    {
        if (digits.Length < 2)
        {
            throw new ArgumentException("A packet can complete two digits; the destination must hold two.", nameof(digits));
        }

        if (!DtmfEvent.TryRead(payload, out var dtmfEvent) || !dtmfEvent.IsDigit)
        {
            return 0;
        }

        if (_hasPending && _pending.Ssrc == ssrc && _pending.Timestamp == timestamp)
        {
            _pendingLastSeen = now;
            _pending = _pending with { Duration = Math.Max(_pending.Duration, dtmfEvent.Duration) };
            if (!dtmfEvent.End)
            {
                return 0;
            }

            digits[0] = _pending with { EndSeen = true };
            Complete();
            return 1;
        }

        if (IsReportedOrOlder(ssrc, timestamp))
        {
            return 0;
        }

        var written = 0;
        if (_hasPending)
        {
            digits[written++] = _pending;
            Complete();
        }

        _pending = new DtmfDigit(dtmfEvent.Key, ssrc, timestamp, dtmfEvent.Duration, EndSeen: false);
        _pendingLastSeen = now;
        _hasPending = true;
        if (dtmfEvent.End)
        {
            digits[written++] = _pending with { EndSeen = true };
            Complete();
        }

        return written;
    }

    /// <summary>
    /// Closes the running event if no packet of it has arrived for the timeout; call it from the media clock.
    /// </summary>
    public bool Poll(TimeSpan now, out DtmfDigit digit)
    {
        if (_hasPending && now - _pendingLastSeen >= _timeout)
        {
            digit = _pending;
            Complete();
            return true;
        }

        digit = default;
        return false;
    }

    private bool IsReportedOrOlder(uint ssrc, uint timestamp)
    {
        // Timestamps wrap, so "older" is the RFC 3550 serial comparison; a late retransmission of the
        // previous digit's end (or of anything before the running event) must not read as a new press.
        return (_hasLast && ssrc == _lastSsrc && (int)(timestamp - _lastTimestamp) <= 0)
            || (_hasPending && ssrc == _pending.Ssrc && (int)(timestamp - _pending.Timestamp) < 0);
    }

    private void Complete()
    {
        _hasLast = true;
        _lastSsrc = _pending.Ssrc;
        _lastTimestamp = _pending.Timestamp;
        _hasPending = false;
    }
}
