using System.Net;
using System.Text;
using CallControl.Media.Audio;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Calls.Legs;

/// <summary>
/// One call leg's media endpoint when the worker itself is the far end's peer (on hold, before bridging):
/// it plays a source or silence, receives and measures the far end's stream, sends RTCP and notices a
/// far end that went away without a BYE.
/// </summary>
/// <remarks>
/// Everything periodic runs in <see cref="OnTick"/> on the shared media clock, so a leg costs no timer and no
/// thread. Receiving runs on the sockets' receive loops; the statistics they share with the tick sit behind
/// one short lock. Buffers are made once per leg, so steady state allocates nothing per packet or tick.
/// </remarks>
public sealed partial class RtpLeg : IMediaClockSubscriber, IDisposable
{
    private const int ClockRate = AudioFormat.SampleRate;

    // Enough for the streams a far end legitimately has over a call (a restart, a transfer behind its B2BUA);
    // a flood of forged sources beyond that is not worth memory.
    private const int MaxSources = 8;

    private readonly RtpSocketPair _sockets;
    private readonly RtpLegRemote _remote;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly TimeSpan _reportInterval;
    private readonly TimeSpan _inactivityTimeout;
    private readonly byte[] _canonicalName;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, RtpReceiverStatistics> _sources = [];
    private readonly short[] _frame = new short[AudioFormat.FrameSamples];
    private readonly byte[] _payload = new byte[AudioFormat.FrameSamples];
    private readonly byte[] _rtpBuffer = new byte[RtpHeader.FixedLength + AudioFormat.FrameSamples];
    private readonly byte[] _rtcpBuffer = new byte[512];
    private readonly RtpHandler _rtpHandler;
    private readonly RtcpHandler _rtcpHandler;

    private IAudioSource? _playing;
    private ushort _sequence;
    private uint _timestamp;
    private bool _sentLastTick;
    private bool _sentSinceReport;
    private uint _packetsSent;
    private uint _octetsSent;
    private long _lastReportTimestamp;
    private long _lastActivityTimestamp;
    private long _roundTripTicks = -1;
    private bool _heldByUs;
    private bool _heldByFarEnd;
    private bool _goneReported;
    private uint _farEndSsrc;
    private bool _hasFarEnd;
    private int _closed;

    /// <summary>Takes over both sockets of <paramref name="sockets"/> and starts receiving on them.</summary>
    /// <param name="timeProvider">The clock for reports, arrival times and inactivity; the system clock when null.</param>
    public RtpLeg(RtpSocketPair sockets, RtpLegRemote remote, RtpLegOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.PayloadType is not (RtpLegRemote.Pcmu or RtpLegRemote.Pcma))
        {
            throw new ArgumentOutOfRangeException(nameof(remote), remote.PayloadType, "A leg speaks G.711 only: payload type 0 or 8.");
        }

        options ??= new RtpLegOptions();
        _sockets = sockets;
        _remote = remote;
        _time = timeProvider ?? TimeProvider.System;
        _reportInterval = options.ReportInterval ?? TimeSpan.FromSeconds(5);
        _inactivityTimeout = options.InactivityTimeout ?? TimeSpan.FromSeconds(30);
        // RFC 3550 §5.1: random initial values make a known-plaintext attack on SRTP harder and tell restarts apart.
        Ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        _sequence = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        _timestamp = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
        _canonicalName = Encoding.UTF8.GetBytes(options.CanonicalName ?? $"{Guid.NewGuid():N}@callcontrol");
        _startTimestamp = _time.GetTimestamp();
        _lastReportTimestamp = _startTimestamp;
        _lastActivityTimestamp = _startTimestamp;

        sockets.Rtp.SetRemote(remote.RtpEndPoint, remote.Latching);
        sockets.Rtcp.SetRemote(remote.RtcpEndPoint ?? new IPEndPoint(remote.RtpEndPoint.Address, remote.RtpEndPoint.Port + 1), remote.Latching);
        _rtpHandler = new RtpHandler(this);
        _rtcpHandler = new RtcpHandler(this);
        sockets.Rtp.SetHandler(_rtpHandler);
        sockets.Rtcp.SetHandler(_rtcpHandler);
    }

    /// <summary>
    /// Raised once, on the media clock's thread, when the far end sent no RTP for the inactivity timeout while
    /// the call was not on hold. A handler must return quickly: every call's media waits on that thread.
    /// </summary>
    public event Action<RtpLegGone>? Gone;

    /// <summary>Our stream's synchronisation source.</summary>
    public uint Ssrc { get; }

    public RtpSocketPair Sockets => _sockets;

    public RtpLegRemote Remote => _remote;

    /// <summary>
    /// Plays <paramref name="source"/> to the far end from the next tick, one frame per tick; null sends no
    /// audio at all (RTCP continues), which is silence without spending bandwidth on it.
    /// </summary>
    public void PlayToFarEnd(IAudioSource? source) => Volatile.Write(ref _playing, source);

    /// <summary>
    /// Tells the leg who holds the call. While either side does, the far end may legitimately send nothing,
    /// so inactivity is not judged; the wait starts over when the hold ends.
    /// </summary>
    public void SetHold(bool heldByUs, bool heldByFarEnd)
    {
        lock (_gate)
        {
            var wasHeld = _heldByUs || _heldByFarEnd;
            _heldByUs = heldByUs;
            _heldByFarEnd = heldByFarEnd;
            if (wasHeld && !(heldByUs || heldByFarEnd))
            {
                _lastActivityTimestamp = _time.GetTimestamp();
            }
        }
    }

    /// <summary>The far end's current stream as measured so far.</summary>
    public LegQuality QualityAtEnd()
    {
        var roundTripTicks = Interlocked.Read(ref _roundTripTicks);
        TimeSpan? roundTrip = roundTripTicks < 0 ? null : TimeSpan.FromTicks(roundTripTicks);
        lock (_gate)
        {
            if (!_hasFarEnd || !_sources.TryGetValue(_farEndSsrc, out var statistics))
            {
                return new LegQuality(0, 0, 0, roundTrip?.TotalMilliseconds, G711QualityEstimate.Mos(0, TimeSpan.Zero, roundTrip ?? TimeSpan.Zero));
            }

            return new LegQuality(
                statistics.Received,
                statistics.LossRatio * 100,
                statistics.Jitter * 1000.0 / ClockRate,
                roundTrip?.TotalMilliseconds,
                statistics.EstimateMos(ClockRate, roundTrip ?? TimeSpan.Zero));
        }
    }

    /// <inheritdoc/>
    public void OnTick(MediaTick tick)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        SendFrame();
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastReportTimestamp, now) >= _reportInterval)
        {
            _lastReportTimestamp = now;
            SendReport(goodbye: false);
        }

        CheckInactivity(now);
    }

    /// <summary>Sends a final report with BYE, stops receiving and closes both sockets.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        SendReport(goodbye: true);

        _sockets.Rtp.SetHandler(null);
        _sockets.Rtcp.SetHandler(null);
        _sockets.Dispose();
    }


    private void SendFrame()
    {
        var source = Volatile.Read(ref _playing);
        if (source is null)
        {
            // The timestamp runs on through silence so the far end places the next talkspurt in time (RFC 3550 §5.1).
            _timestamp += AudioFormat.FrameSamples;
            _sentLastTick = false;
            return;
        }

        source.Read(_frame);
        if (_remote.PayloadType == RtpLegRemote.Pcmu)
        {
            G711.EncodeMuLaw(_frame, _payload);
        }
        else
        {
            G711.EncodeALaw(_frame, _payload);
        }

        var length = RtpPacketWriter.Write(_rtpBuffer, marker: !_sentLastTick, _remote.PayloadType, _sequence, _timestamp, Ssrc, _payload);
        _sockets.Rtp.Send(_rtpBuffer.AsSpan(0, length));
        _sequence++;
        _timestamp += AudioFormat.FrameSamples;
        _sentLastTick = true;
        lock (_gate)
        {
            _sentSinceReport = true;
            _packetsSent++;
            _octetsSent += (uint)_payload.Length;
        }
    }

    private void CheckInactivity(long now)
    {
        TimeSpan silentFor;
        lock (_gate)
        {
            if (_goneReported || _heldByUs || _heldByFarEnd)
            {
                return;
            }

            silentFor = _time.GetElapsedTime(_lastActivityTimestamp, now);
            if (silentFor < _inactivityTimeout)
            {
                return;
            }

            _goneReported = true;
        }

        Gone?.Invoke(new RtpLegGone(silentFor, QualityAtEnd()));
    }

    private uint ArrivalInRtpUnits(long timestamp) =>
        (uint)(long)(_time.GetElapsedTime(_startTimestamp, timestamp).Ticks * (double)ClockRate / TimeSpan.TicksPerSecond);

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryRead(packet, out var header))
        {
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_sources.TryGetValue(header.Ssrc, out var statistics))
            {
                if (_sources.Count >= MaxSources)
                {
                    return;
                }

                statistics = new RtpReceiverStatistics();
                _sources.Add(header.Ssrc, statistics);
            }

            statistics.Update(header.SequenceNumber, header.Timestamp, ArrivalInRtpUnits(now));
            _farEndSsrc = header.Ssrc;
            _hasFarEnd = true;
            _lastActivityTimestamp = now;
        }
    }

    private sealed class RtpHandler(RtpLeg leg) : IDatagramHandler
    {
        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram) => leg.OnRtp(datagram.Bytes);
    }

    private sealed class RtcpHandler(RtpLeg leg) : IDatagramHandler
    {
        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram) => leg.OnRtcp(datagram.Bytes);
    }
}
