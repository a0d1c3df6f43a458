using System.Collections.Concurrent;
using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Calls.Legs;

namespace CallControl.Bench.Rtp;

/// <summary>Packet counts summed over the bridged legs of a stretch of the run.</summary>
/// <param name="CallerReceived">RTP the worker took in from the callers' side.</param>
/// <param name="CalleeReceived">RTP the worker took in from the callees' side (SIPp streaming).</param>
/// <param name="RelayedToCallees">RTP the worker sent out of the callee legs (the caller's audio).</param>
/// <param name="RelayedToCallers">RTP the worker sent out of the caller legs (the callee's audio).</param>
/// <param name="NotSent">Packets the legs had for their far end and did not send.</param>
public readonly record struct BridgePackets(long CallerReceived, long CalleeReceived, long RelayedToCallees, long RelayedToCallers, long NotSent)
{
    public static BridgePackets operator -(BridgePackets after, BridgePackets before) => new(
        after.CallerReceived - before.CallerReceived,
        after.CalleeReceived - before.CalleeReceived,
        after.RelayedToCallees - before.RelayedToCallees,
        after.RelayedToCallers - before.RelayedToCallers,
        after.NotSent - before.NotSent);
}

/// <summary>
/// A back-to-back user agent on the media engine, as the worker's call flow drives it: each offered leg places a
/// callee leg; the callee's answer answers the caller; once the caller's answer is confirmed the two are bridged;
/// whichever leg ends, the other is hung up. A leg that ends without having been answered, or for any reason but
/// a normal hang-up, is a failure, as is any command the engine could not carry out.
/// </summary>
/// <param name="calleeFor">The callee's URI for a caller's slot (read from the user part of the caller's To).</param>
public sealed class MediaBridge(MediaEngine engine, Func<int, string?> calleeFor)
{
    private const string CalleeSuffix = "-callee";

    // Only the event loop touches these: one leg's facts arrive in order on one reader.
    private readonly Dictionary<string, string> _peers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly List<string> _firstFailures = [];

    // Read from the benchmark's thread while the loop runs.
    private readonly ConcurrentDictionary<string, string> _bridged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _live = new(StringComparer.Ordinal);
    private long _offered;
    private long _bridgedTotal;
    private long _completed;
    private long _failed;

    public long Offered => Interlocked.Read(ref _offered);

    /// <summary>Pairs bridged since the start (a pair counts once).</summary>
    public long BridgedTotal => Interlocked.Read(ref _bridgedTotal);

    /// <summary>Legs that ended normally after their answer.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Legs the engine has reported and not yet ended.</summary>
    public int Live => _live.Count;

    /// <summary>The first few failures, for the report; read once the loop has stopped.</summary>
    public IReadOnlyList<string> FirstFailures => _firstFailures;

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var fact in engine.Events.ReadAllAsync(stop))
            {
                Handle(fact);
            }
        }
        catch (OperationCanceledException)
        {
            // The level is over.
        }
    }

    /// <summary>Packet counters summed over the pairs bridged now.</summary>
    public async Task<BridgePackets> CountPacketsAsync()
    {
        var pairs = _bridged.ToArray();
        var callers = await Task.WhenAll(pairs.Select(pair => engine.GetCountersAsync(pair.Key)));
        var callees = await Task.WhenAll(pairs.Select(pair => engine.GetCountersAsync(pair.Value)));
        static long Sum(RtpLegCounters?[] legs, Func<RtpLegCounters, long> figure) => legs.Sum(leg => leg is { } counters ? figure(counters) : 0);
        return new BridgePackets(
            Sum(callers, c => c.Received),
            Sum(callees, c => c.Received),
            Sum(callees, c => c.Relayed),
            Sum(callers, c => c.Relayed),
            Sum(callers, c => c.NotSent) + Sum(callees, c => c.NotSent));
    }

    /// <summary>The worker's own receive statistics of each bridged caller leg (what the probe sent, as the worker saw it arrive).</summary>
    public async Task<IReadOnlyList<LegQuality>> CallerQualityAsync()
    {
        var qualities = await Task.WhenAll(_bridged.Keys.Select(engine.GetQualityAsync));
        return [.. qualities.OfType<LegQuality>()];
    }

    /// <summary>Hangs up every leg still live: those whose far end stopped answering.</summary>
    public void HangUpAll()
    {
        foreach (var leg in _live.Keys)
        {
            engine.HangUp(leg);
        }
    }

    private void Handle(MediaEvent fact)
    {
        switch (fact)
        {
            case MediaEvent.LegOffered offered:
                Interlocked.Increment(ref _offered);
                _live[offered.LegId] = true;
                if (Slot(offered.To) is not { } slot || calleeFor(slot) is not { } callee)
                {
                    Fail($"caller leg {offered.LegId} to {offered.To} names no slot");
                    engine.Reject(offered.LegId, 404);
                    return;
                }

                var calleeLeg = offered.LegId + CalleeSuffix;
                _peers[offered.LegId] = calleeLeg;
                _peers[calleeLeg] = offered.LegId;
                _live[calleeLeg] = true;
                engine.Place(calleeLeg, callee);
                break;
            case MediaEvent.LegAnswered { LegId: var answered }:
                _answered.Add(answered);
                if (!_peers.TryGetValue(answered, out var peer))
                {
                    break;
                }

                if (answered.EndsWith(CalleeSuffix, StringComparison.Ordinal))
                {
                    engine.Answer(peer);
                }
                else
                {
                    engine.Bridge(answered, peer);
                }

                break;
            case MediaEvent.LegsBridged bridged:
                _bridged[bridged.LegId] = bridged.OtherLegId;
                Interlocked.Increment(ref _bridgedTotal);
                break;
            case MediaEvent.CommandFailed failed:
                Fail($"{failed.Command} on {failed.LegId} failed: {failed.Reason}");
                break;
            case MediaEvent.LegEnded ended:
                OnEnded(ended);
                break;
        }
    }

    private void OnEnded(MediaEvent.LegEnded ended)
    {
        _live.TryRemove(ended.LegId, out _);
        _bridged.TryRemove(ended.LegId, out _);
        if (_answered.Remove(ended.LegId) && ended.Reason == DisconnectReason.Success)
        {
            Interlocked.Increment(ref _completed);
        }
        else
        {
            Fail($"leg {ended.LegId} ended {ended.Reason} (SIP {ended.SipStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) by {ended.Initiator}");
        }

        if (_peers.Remove(ended.LegId, out var peer))
        {
            _peers.Remove(peer);
            engine.HangUp(peer);
        }
    }

    private void Fail(string what)
    {
        if (Interlocked.Increment(ref _failed) <= 3)
        {
            _firstFailures.Add(what);
        }
    }

    /// <summary>The slot in the user part of a caller's To (<c>sip:17@host</c>).</summary>
    private static int? Slot(string to)
    {
        var start = to.IndexOf(':', StringComparison.Ordinal) + 1;
        var at = to.IndexOf('@', StringComparison.Ordinal);
        return at > start && int.TryParse(to.AsSpan(start, at - start), System.Globalization.CultureInfo.InvariantCulture, out var slot) ? slot : null;
    }
}
