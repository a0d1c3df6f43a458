using System.Net;
using System.Text;
using CallControl.Media.Audio;
using CallControl.Media.Calls.Recording;
using CallControl.Media.Calls.Relay;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Dtmf;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Calls.Legs;

/// <summary>
/// One call leg's media: the worker's RTP and RTCP sockets facing one far end. It receives and measures the far
/// end's stream, finds DTMF in it, feeds a recorder, and passes the audio on to the leg it is bridged to; towards
/// the far end it sends either what that peer says, or music, or nothing, and RFC 4733 digits when asked. It
/// sends RTCP and notices a far end that went away without a BYE.
/// </summary>
/// <remarks>
/// <para>
/// Everything the far end hears leaves through one <see cref="RtpStreamRewriter"/>: relayed packets, music and
/// digits alike are renumbered onto the leg's own SSRC, sequence and timestamps, so a switch between them (hold,
/// resume, a transfer that bridges another leg) is one continuous stream with the marker bit set at the seam.
/// </para>
/// <para>
/// Everything periodic runs in <see cref="OnTick"/> on the shared media clock, so a leg costs no timer and no
/// thread. Receiving runs on the sockets' receive loops; a bridged packet is rewritten where it lies in the
/// receive buffer and sent from the peer's socket. Buffers are made once per leg, so steady state allocates
/// nothing per packet or tick.
/// </para>
/// </remarks>
public sealed partial class RtpLeg : IMediaClockSubscriber, IDisposable
{
    private const int ClockRate = AudioFormat.SampleRate;

    // Enough for the streams a far end legitimately has over a call (a restart, a transfer behind its B2BUA);
    // a flood of forged sources beyond that is not worth memory.
    private const int MaxSources = 8;

    private readonly RtpSocketPair _sockets;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly TimeSpan _reportInterval;
    private readonly TimeSpan _inactivityTimeout;
    private readonly byte[] _canonicalName;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, RtpReceiverStatistics> _sources = [];
    private readonly DtmfReceiver _dtmfReceiver = new();
    private readonly RtpHandler _rtpHandler;
    private readonly RtcpHandler _rtcpHandler;

    private RtpLegRemote? _remote;
    private RtpLeg? _peer;
    private RecordingChannel? _tap;
    private bool _muted;
    private long _lastReportTimestamp;
    private long _lastActivityTimestamp;
    private long _roundTripTicks = -1;
    private bool _heldByUs;
    private bool _heldByFarEnd;
    private bool _goneReported;
    private bool _inactivityWatched = true;
    private uint _farEndSsrc;
    private bool _hasFarEnd;
    private int _closed;

    /// <summary>
    /// Takes over both sockets of <paramref name="sockets"/> and starts receiving on them. With no
    /// <paramref name="remote"/> yet (a call still ringing) nothing is sent until <see cref="SetRemote"/>.
    /// </summary>
    /// <param name="timeProvider">The clock for reports, arrival times and inactivity; the system clock when null.</param>
    public RtpLeg(RtpSocketPair sockets, RtpLegRemote? remote = null, RtpLegOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        options ??= new RtpLegOptions();
        _sockets = sockets;
        _time = timeProvider ?? TimeProvider.System;
        _reportInterval = options.ReportInterval ?? TimeSpan.FromSeconds(5);
        _inactivityTimeout = options.InactivityTimeout ?? TimeSpan.FromSeconds(30);
        _out = RtpStreamRewriter.CreateRandom(_time.TimestampFrequency);
        // RFC 3550 §5.1: random initial values make a known-plaintext attack on SRTP harder and tell restarts apart.
        _localSsrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        _localSequence = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        _localTimestamp = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
        _canonicalName = Encoding.UTF8.GetBytes(options.CanonicalName ?? $"{Guid.NewGuid():N}@callcontrol");
        _startTimestamp = _time.GetTimestamp();
        _lastReportTimestamp = _startTimestamp;
        _lastActivityTimestamp = _startTimestamp;
        _rtpHandler = new RtpHandler(this);
        _rtcpHandler = new RtcpHandler(this);
        if (remote is not null)
        {
            SetRemote(remote);
        }

        sockets.Rtp.SetHandler(_rtpHandler);
        sockets.Rtcp.SetHandler(_rtcpHandler);
    }

    /// <summary>
    /// Raised once, on the media clock's thread, when the far end sent no RTP for the inactivity timeout while
    /// the call was not on hold. A handler must return quickly: every call's media waits on that thread.
    /// </summary>
    public event Action<RtpLegGone>? Gone;

    /// <summary>
    /// Raised once per RFC 4733 digit the far end sends, when it ends, on a receive or clock thread. A handler
    /// must return quickly.
    /// </summary>
    public event Action<DtmfDigit>? DigitReceived;

    /// <summary>Raised on the clock thread when the digits of <see cref="SendDigits"/> have all been sent.</summary>
    public event Action<string>? DigitsSent;

    /// <summary>Our stream's synchronisation source, whatever it carries.</summary>
    public uint Ssrc => _out.Ssrc;

    public RtpSocketPair Sockets => _sockets;

    /// <summary>The far end as the last offer/answer left it; null before the first one completed.</summary>
    public RtpLegRemote? Remote => Volatile.Read(ref _remote);

    /// <summary>The leg this one's audio goes to and comes from; null when not bridged.</summary>
    public RtpLeg? Peer => Volatile.Read(ref _peer);

    /// <summary>
    /// Points the leg at its far end (after each completed offer/answer: a re-INVITE may move it, change codec
    /// or stop it receiving). The first call starts the inactivity watch.
    /// </summary>
    public void SetRemote(RtpLegRemote remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.PayloadType is not (RtpLegRemote.Pcmu or RtpLegRemote.Pcma))
        {
            throw new ArgumentOutOfRangeException(nameof(remote), remote.PayloadType, "A leg speaks G.711 only: payload type 0 or 8.");
        }

        var previous = Volatile.Read(ref _remote);
        if (previous is null || !Equals(previous.RtpEndPoint, remote.RtpEndPoint) || previous.Latching != remote.Latching)
        {
            _sockets.Rtp.SetRemote(remote.RtpEndPoint, remote.Latching);
            _sockets.Rtcp.SetRemote(remote.RtcpEndPoint ?? new IPEndPoint(remote.RtpEndPoint.Address, remote.RtpEndPoint.Port + 1), remote.Latching);
        }

        lock (_gate)
        {
            if (previous is null)
            {
                _lastActivityTimestamp = _time.GetTimestamp();
            }

            Volatile.Write(ref _remote, remote);
        }
    }

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

    /// <summary>
    /// Suspends or resumes judging inactivity, for a far end that is not expected to send yet (a caller hearing
    /// early media before the answer); the wait starts over when judging resumes.
    /// </summary>
    public void SetInactivityWatched(bool watched)
    {
        lock (_gate)
        {
            if (watched && !_inactivityWatched)
            {
                _lastActivityTimestamp = _time.GetTimestamp();
            }

            _inactivityWatched = watched;
        }
    }

    /// <summary>Stops passing what the far end says to the peer (it is still received, measured and recorded), or starts again.</summary>
    public void SetMuted(bool muted) => Volatile.Write(ref _muted, muted);

    /// <summary>Whether what the far end says is kept from the peer.</summary>
    public bool IsMuted => Volatile.Read(ref _muted);

    /// <summary>Feeds the far end's audio, from now on, to a recorder's channel; null stops.</summary>
    public void SetRecordingTap(RecordingChannel? channel) => Volatile.Write(ref _tap, channel);

    /// <summary>
    /// Bridges two legs: each far end hears what the other says (unless muted, or fed music). A leg bridged to
    /// a third leg before is taken from it first; the streams continue with the marker set.
    /// </summary>
    public static void Bridge(RtpLeg a, RtpLeg b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("A leg cannot be bridged to itself.", nameof(b));
        }

        a.Unbridge();
        b.Unbridge();
        a._out.Reanchor();
        b._out.Reanchor();
        Volatile.Write(ref a._peer, b);
        Volatile.Write(ref b._peer, a);
    }

    /// <summary>Ends this leg's bridge, if any, on both sides; neither far end hears the other from now on.</summary>
    public void Unbridge()
    {
        var peer = Interlocked.Exchange(ref _peer, null);
        if (peer is not null)
        {
            Interlocked.CompareExchange(ref peer._peer, null, this);
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

        SendLocal(tick.Due);
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastReportTimestamp, now) >= _reportInterval)
        {
            _lastReportTimestamp = now;
            SendReport(goodbye: false);
        }

        PollDigits();
        CheckInactivity(now);
    }

    /// <summary>Leaves any bridge, sends a final report with BYE, stops receiving and closes both sockets.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        Unbridge();
        SendReport(goodbye: true);
        _sockets.Rtp.ReleaseHandler(_rtpHandler);
        _sockets.Rtcp.ReleaseHandler(_rtcpHandler);
        _sockets.Dispose();
    }

    private void CheckInactivity(long now)
    {
        TimeSpan silentFor;
        lock (_gate)
        {
            if (_goneReported || _heldByUs || _heldByFarEnd || _remote is null || !_inactivityWatched)
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

    private sealed class RtpHandler(RtpLeg leg) : IDatagramHandler
    {
        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram) => leg.OnRtp(datagram.Bytes);
    }

    private sealed class RtcpHandler(RtpLeg leg) : IDatagramHandler
    {
        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram) => leg.OnRtcp(datagram.Bytes);
    }
}
