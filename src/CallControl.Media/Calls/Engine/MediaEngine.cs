using System.Collections.Concurrent;
using System.Threading.Channels;
using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sdp;
using CallControl.Media.Sip;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Calls.Engine;

/// <summary>
/// The media engine: SIP calls with real media. Each call is a leg (a SIP dialog and its RTP); legs are bridged,
/// held with music or silence, muted, transferred, recorded, sent digits and hung up by command, and every fact
/// about them is reported on <see cref="Events"/>. This is what the worker's message consumers drive.
/// </summary>
/// <remarks>
/// Commands return at once: each is queued to one loop that also takes the SIP stack's facts and the media's
/// (inactivity, digits), so a leg's state is only ever touched by that loop, in order, with no locks. The
/// outcome of every command is a fact on <see cref="Events"/>. Media itself never waits on the loop: packets
/// are relayed and music played on the sockets' receive loops and the shared <see cref="MediaClock"/>.
/// </remarks>
public sealed partial class MediaEngine : IAsyncDisposable
{
    // A port pair bound for an SDP but never claimed (the INVITE was refused before it became a call) is
    // closed after this long.
    private static readonly TimeSpan UnclaimedMediaLifetime = TimeSpan.FromSeconds(30);

    private readonly MediaEngineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MediaClock _clock;
    private readonly WavLoop? _music;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<MediaEvent> _events = Channel.CreateUnbounded<MediaEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<int, (RtpSocketPair Pair, long BoundAt)> _unclaimed = new();
    private readonly Dictionary<string, EngineLeg> _legs = new(StringComparer.Ordinal);
    private readonly Dictionary<SipCall, EngineLeg> _byCall = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stopping = new();
    private SipStack _stack = null!;
    private Task _loop = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private long _nextLeg;

    private MediaEngine(MediaEngineOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _clock = new MediaClock(timeProvider: time);
        _music = options.MusicOnHoldPath is { } path ? WavLoop.Load(path) : null;
    }

    /// <summary>Facts about legs, in order per leg.</summary>
    public ChannelReader<MediaEvent> Events => _events.Reader;

    /// <summary>Where the SIP stack listens, with the ports actually bound.</summary>
    public IReadOnlyList<SipEndPoint> SipEndPoints => _stack.LocalEndPoints;

    /// <summary>The SIP stack's user agent (for its counters).</summary>
    public SipUserAgent UserAgent => _stack.UserAgent;

    /// <summary>How the shared media clock keeps time.</summary>
    public MediaClockStatistics ClockStatistics => _clock.GetStatistics();

    /// <summary>Starts the SIP stack, the media clock and the engine's loop.</summary>
    /// <exception cref="WavFormatException">The music on hold file is not a WAV the engine can play.</exception>
    public static MediaEngine Start(MediaEngineOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        var engine = new MediaEngine(options, loggers.CreateLogger<MediaEngine>(), time ?? TimeProvider.System);
        engine._stack = SipStack.Start(
            new SipStackOptions { ListenOn = options.SipListenOn, UserAgent = options.UserAgent },
            engine.AllocateMedia,
            loggers,
            time);
        engine._clock.Start();
        engine._loop = Task.Run(engine.RunAsync);
        engine._pump = Task.Run(engine.PumpSipAsync);
        return engine;
    }

    /// <summary>A snapshot of a leg's packet counters, or null for an unknown or ended leg.</summary>
    public Task<RtpLegCounters?> GetCountersAsync(string legId) => QueryAsync(legId, leg => (RtpLegCounters?)leg.Media.Counters);

    /// <summary>The far end's media quality on a live leg so far, or null for an unknown or ended leg.</summary>
    public Task<LegQuality?> GetQualityAsync(string legId) => QueryAsync(legId, leg => leg.Media.QualityAtEnd());

    /// <summary>Reads a live leg on the loop, where its state is kept.</summary>
    private Task<T?> QueryAsync<T>(string legId, Func<EngineLeg, T?> read)
    {
        var result = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => result.SetResult(_legs.TryGetValue(legId, out var leg) ? read(leg) : default));
        return result.Task;
    }

    /// <summary>Hangs up every leg, then stops the loop, the clock and the SIP stack.</summary>
    public async ValueTask DisposeAsync()
    {
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_work.Writer.TryWrite(() =>
            {
                foreach (var leg in _legs.Values.ToList())
                {
                    leg.EndReason ??= Domain.Conversations.DisconnectReason.GeneralError;
                    leg.Call.Hangup();
                }

                hungUp.SetResult();
            }))
        {
            await Task.WhenAny(hungUp.Task, Task.Delay(TimeSpan.FromSeconds(2)));
            // Let the BYEs leave before the transport closes.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        _work.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var leg in _legs.Values)
        {
            Release(leg);
        }

        foreach (var (_, (pair, _)) in _unclaimed)
        {
            pair.Dispose();
        }

        _clock.Dispose();
        await _stack.DisposeAsync();
        _events.Writer.TryComplete();
        _stopping.Dispose();
    }

    private void Post(Action work)
    {
        if (!_work.Writer.TryWrite(work))
        {
            _logger.LogDebug("The media engine is stopping; work dropped");
        }
    }

    private void Raise(MediaEvent fact)
    {
        _logger.LogDebug("Media {Fact}", fact);
        _events.Writer.TryWrite(fact);
    }

    private async Task RunAsync()
    {
        var sweep = _time.GetTimestamp();
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            try
            {
                work();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // One command or fact gone wrong must not stop every other call's control.
                _logger.LogError(exception, "Media engine work failed");
            }

            if (_time.GetElapsedTime(sweep) > UnclaimedMediaLifetime)
            {
                sweep = _time.GetTimestamp();
                SweepUnclaimed();
            }
        }
    }

    private async Task PumpSipAsync()
    {
        try
        {
            await foreach (var fact in _stack.UserAgent.Events.ReadAllAsync(_stopping.Token))
            {
                Post(() => OnSip(fact));
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The SIP stack asks for our media address for a new call's SDP: a port pair is bound now and claimed when the call is known.</summary>
    private SdpLocalMedia? AllocateMedia(SipCallDirection direction)
    {
        if (!RtpSocketPair.TryBind(_options.MediaAddress, _options.MediaPorts, out var pair, _time))
        {
            _logger.LogWarning("No RTP port pair free in the media port range for an {Direction} call", direction);
            return null;
        }

        _unclaimed[pair.RtpPort] = (pair, _time.GetTimestamp());
        return new SdpLocalMedia(_options.AdvertisedMediaAddress ?? _options.MediaAddress, pair.RtpPort);
    }

    private RtpSocketPair? Claim(SipCall call) =>
        _unclaimed.TryRemove(call.LocalMedia.RtpPort, out var entry) ? entry.Pair : null;

    private void SweepUnclaimed()
    {
        foreach (var (port, entry) in _unclaimed)
        {
            if (_time.GetElapsedTime(entry.BoundAt) > UnclaimedMediaLifetime && _unclaimed.TryRemove(port, out var removed))
            {
                removed.Pair.Dispose();
            }
        }
    }

    /// <summary>Makes a leg of a call whose media was just claimed, and starts its media.</summary>
    private EngineLeg AddLeg(string id, SipCall call, RtpSocketPair pair)
    {
        var media = new RtpLeg(pair, null, new RtpLegOptions(InactivityTimeout: _options.InactivityTimeout), _time);
        var leg = new EngineLeg(id, call, media);
        media.Gone += gone => Post(() => OnGone(leg, gone));
        media.DigitReceived += digit => Post(() => Raise(new MediaEvent.DigitReceived(leg.Id, digit.Key, TimeSpan.FromSeconds(digit.Duration / 8000.0))));
        media.DigitsSent += digits => Post(() => Raise(new MediaEvent.DigitsSent(leg.Id, digits)));
        _legs.Add(id, leg);
        _byCall.Add(call, leg);
        _clock.Add(media);
        return leg;
    }

    /// <summary>Stops a leg's media and forgets it.</summary>
    private void Release(EngineLeg leg)
    {
        _clock.Remove(leg.Media);
        leg.Media.Dispose();
        _legs.Remove(leg.Id);
        _byCall.Remove(leg.Call);
    }

    private string NewLegId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _nextLeg)}";

    /// <summary>Points a leg's media at its far end as the latest offer/answer left it.</summary>
    private void ApplyMedia(EngineLeg leg)
    {
        if (leg.Call.Media is not { } negotiated)
        {
            return;
        }

        var endPoint = negotiated.RemoteRtpEndPoint ?? leg.Media.Remote?.RtpEndPoint;
        if (endPoint is null)
        {
            return;
        }

        leg.Media.SetRemote(new RtpLegRemote(
            endPoint,
            (byte)negotiated.Codec.PayloadType,
            negotiated.TelephoneEventPayloadType is { } eventType ? (byte)eventType : null,
            negotiated.RemoteRtcpEndPoint,
            _options.Latching)
        {
            SendToFarEnd = negotiated.SendsMedia,
        });
    }

    private IAudioSource HoldMusic() => _music?.Clone() ?? (IAudioSource)ToneGenerator.MusicOnHold();
}
