namespace CallControl.Media.Rtp.Dtmf;

/// <summary>
/// The packets that send a digit string as RFC 4733 events, handed out as the media clock reaches them so the
/// sender needs no timer of its own. Each digit is one event: an update every packet time with a growing
/// duration (the first carrying the marker), then three end packets with the final duration, all with the
/// event's RTP timestamp; the next digit starts after the gap. Not thread-safe: one plan per send, driven by the leg's clock.
/// </summary>
public sealed class DtmfSender
{
    /// <summary>The RTP clock of telephone-event/8000.</summary>
    public const int ClockRate = 8000;

    /// <summary>The end packet is sent this many times so one or two losses do not leave the digit running.</summary>
    public const int EndPackets = 3;

    private readonly string _digits;
    private readonly TimeSpan _start;
    private readonly uint _startTimestamp;
    private readonly TimeSpan _packetTime;
    private readonly TimeSpan _digitPeriod;
    private readonly int _updates;
    private readonly ushort _finalDuration;
    private readonly byte _volume;

    private int _digit;
    private int _packet;

    /// <param name="digits">0-9, *, #, A-D (letters in either case).</param>
    /// <param name="start">The media clock time of the first packet.</param>
    /// <param name="startTimestamp">The RTP timestamp of the stream at <paramref name="start"/>.</param>
    /// <param name="toneDuration">How long each digit lasts; a whole number of packet times. 100 ms when null.</param>
    /// <param name="gap">Silence between the end of one digit and the start of the next; at least two packet times so the end packets go out first. 100 ms when null.</param>
    /// <param name="packetTime">20 ms when null.</param>
    /// <param name="volume">The power level in -dBm0 (0 to 63).</param>
    public DtmfSender(
        string digits,
        TimeSpan start,
        uint startTimestamp,
        TimeSpan? toneDuration = null,
        TimeSpan? gap = null,
        TimeSpan? packetTime = null,
        byte volume = 10)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var key in digits)
        {
            if (!DtmfEvent.TryGetCode(key, out _))
            {
                throw new ArgumentException($"'{key}' is not a DTMF key (0-9, *, #, A-D).", nameof(digits));
            }
        }

        _packetTime = packetTime ?? TimeSpan.FromMilliseconds(20);
        var tone = toneDuration ?? TimeSpan.FromMilliseconds(100);
        var pause = gap ?? TimeSpan.FromMilliseconds(100);
        if (_packetTime <= TimeSpan.Zero || tone < _packetTime || tone.Ticks % _packetTime.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(toneDuration), tone, "The tone must last a positive whole number of packet times.");
        }

        if (pause < 2 * _packetTime)
        {
            throw new ArgumentOutOfRangeException(nameof(gap), pause, "The gap must leave room for the end packets.");
        }

        var finalDuration = tone.TotalSeconds * ClockRate;
        if (finalDuration > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(toneDuration), tone, "A tone that long needs segmented events, which are not sent.");
        }

        if (volume > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(volume), volume, "The volume is 0 to 63 -dBm0.");
        }

        _digits = digits;
        _start = start;
        _startTimestamp = startTimestamp;
        _digitPeriod = tone + pause;
        _updates = (int)(tone.Ticks / _packetTime.Ticks) - 1;
        _finalDuration = (ushort)finalDuration;
        _volume = volume;
    }

    /// <summary>True once every packet has been handed out.</summary>
    public bool IsComplete => _digit >= _digits.Length;

    /// <summary>
    /// The next packet if it is due at <paramref name="now"/>. Call again while it returns true: a late clock
    /// gets the packets it missed, in order.
    /// </summary>
    public bool TryNext(TimeSpan now, out DtmfPacket packet)
    {
        if (IsComplete || now < DueTime(_digit, _packet))
        {
            packet = default;
            return false;
        }

        DtmfEvent.TryGetCode(_digits[_digit], out var code);
        var eventStart = _digitPeriod * _digit;
        var timestamp = unchecked(_startTimestamp + (uint)(eventStart.Ticks * ClockRate / TimeSpan.TicksPerSecond));
        var end = _packet >= _updates;
        var duration = end ? _finalDuration : (ushort)((_packet + 1) * _packetTime.Ticks * ClockRate / TimeSpan.TicksPerSecond);

        packet = new DtmfPacket(_packet == 0, timestamp, new DtmfEvent(code, end, _volume, duration));

        _packet++;
        if (_packet == _updates + EndPackets)
        {
            _packet = 0;
            _digit++;
        }

        return true;
    }

    private TimeSpan DueTime(int digit, int packet) => _start + (_digitPeriod * digit) + (_packetTime * packet);
}
