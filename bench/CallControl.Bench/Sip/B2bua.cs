using CallControl.Media.Sip.UserAgent;

namespace CallControl.Bench.Sip;

/// <summary>What the bridge did over one stretch of the run.</summary>
public sealed record BridgeCounts(long Offered, long Bridged, long Completed, long Failed, IReadOnlyList<string> FirstFailures);

/// <summary>
/// A signalling-only back-to-back user agent on the stack's events: each offered call places a second leg to
/// the callee; that leg's answer answers the first; whichever leg ends first ends the other. A leg that ends
/// without having been answered, or with anything but 200 after, is a failure.
/// </summary>
public sealed class B2bua(SipUserAgent userAgent, string callee)
{
    // Only the event loop touches the pairs: the calls' events arrive in order on one reader.
    private readonly Dictionary<SipCall, SipCall> _peers = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<SipCall> _answered = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _firstFailures = [];
    private long _offered;
    private long _bridged;
    private long _completed;
    private long _failed;

    /// <summary>The counts so far; read once the event loop has stopped.</summary>
    public BridgeCounts Counts => new(_offered, _bridged, _completed, _failed, [.. _firstFailures]);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var fact in userAgent.Events.ReadAllAsync(stop))
            {
                Handle(fact);
            }
        }
        catch (OperationCanceledException)
        {
            // The benchmark is over.
        }
    }

    private void Handle(SipCallEvent fact)
    {
        switch (fact)
        {
            case SipCallEvent.Offered { Call: var caller }:
                _offered++;
                var calleeLeg = userAgent.PlaceCall(callee);
                _peers[caller] = calleeLeg;
                _peers[calleeLeg] = caller;
                break;
            case SipCallEvent.Ringing { Call: var ringing } when _peers.TryGetValue(ringing, out var caller):
                // The far leg rings: so does the caller.
                caller.Ring();
                break;
            case SipCallEvent.Answered { Call: var call }:
                _answered.Add(call);
                if (call.Direction == SipCallDirection.Outbound && _peers.TryGetValue(call, out var waiting) && waiting.Answer())
                {
                    _bridged++;
                }

                break;
            case SipCallEvent.Terminated { Call: var call } ended:
                var wasAnswered = _answered.Remove(call);
                if (wasAnswered && ended.StatusCode == 200)
                {
                    _completed++;
                }
                else
                {
                    if (_failed++ < 3)
                    {
                        _firstFailures.Add($"{call.Direction} leg {call.CallId} ended {ended.StatusCode} by {ended.Initiator}, {(wasAnswered ? "after" : "before")} its answer");
                    }
                }

                if (_peers.Remove(call, out var peer))
                {
                    _peers.Remove(peer);
                    if (!wasAnswered && peer.Direction == SipCallDirection.Inbound && ended.StatusCode is >= 300 and <= 699)
                    {
                        peer.Reject(ended.StatusCode);
                    }
                    else
                    {
                        peer.Hangup();
                    }
                }

                break;
        }
    }
}
