using System.Text;
using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.UserAgent;
using Microsoft.Extensions.Logging;

namespace CallControl.Media.Calls.Engine;

public sealed partial class MediaEngine
{
    private void OnSip(SipCallEvent fact)
    {
        if (fact is SipCallEvent.Offered offered)
        {
            OnOffered(offered);
            return;
        }

        if (!_byCall.TryGetValue(fact.Call, out var leg))
        {
            _logger.LogDebug("SIP {Fact} for a call without a leg", fact);
            return;
        }

        switch (fact)
        {
            case SipCallEvent.Ringing ringing:
                Raise(new MediaEvent.LegRinging(leg.Id, ringing.StatusCode));
                if (leg.PlacedFor is { Kind: TransferKind.Refer } referral)
                {
                    referral.From.Call.ReportReferProgress(180);
                }

                break;
            case SipCallEvent.Answered:
                OnAnswered(leg);
                break;
            case SipCallEvent.LocalHoldChanged local:
                OnLocalHoldChanged(leg, local.Held);
                break;
            case SipCallEvent.ReInviteFailed failed:
                OnReInviteFailed(leg, failed.StatusCode);
                break;
            case SipCallEvent.RemoteHoldChanged remote:
                leg.HeldByFarEnd = remote.Held;
                ApplyMedia(leg);
                leg.Media.SetHold(leg.HeldWith is not null, remote.Held);
                Raise(new MediaEvent.LegRemoteHoldChanged(leg.Id, remote.Held));
                break;
            case SipCallEvent.ReferReceived refer:
                OnReferReceived(leg, refer.Target);
                break;
            case SipCallEvent.InfoReceived info:
                OnInfo(leg, info);
                break;
            case SipCallEvent.Terminated terminated:
                OnTerminated(leg, terminated.StatusCode, terminated.Initiator);
                break;
        }
    }

    private void OnOffered(SipCallEvent.Offered offered)
    {
        var call = offered.Call;
        if (Claim(call) is not { } pair)
        {
            call.Reject(503);
            return;
        }

        var leg = AddLeg(NewLegId("in"), call, pair);
        // The offer is answered already: the leg knows the caller's media (telephone-event above all) before the
        // ACK, whose RTP may come on its heels. A ringing caller sends nothing, which is no reason to end it.
        ApplyMedia(leg);
        leg.Media.SetInactivityWatched(false);
        string? replaces = offered.Replaces is { } replaced && _byCall.TryGetValue(replaced, out var replacedLeg) ? replacedLeg.Id : null;
        Raise(new MediaEvent.LegOffered(
            leg.Id,
            call.CallId,
            call.Invite?.From?.Uri.ToString() ?? "",
            call.Invite?.To?.Uri.ToString() ?? "",
            replaces)
        {
            CallerIdName = string.IsNullOrWhiteSpace(call.Invite?.From?.DisplayName) ? null : call.Invite.From.DisplayName,
            Dialled = call.Invite?.RequestUri switch
            {
                SipUri { UnescapedUser: { Length: > 0 } user } => user,
                { } uri => uri.ToString(),
                null => "",
            },
        });
    }

    private void OnAnswered(EngineLeg leg)
    {
        leg.Answered = true;
        ApplyMedia(leg);
        leg.Media.SetInactivityWatched(true);
        if (leg.Call.EarlyMedia)
        {
            // The ringback stops; from now on the caller hears its peer.
            leg.Media.RelayToFarEnd();
        }

        Raise(new MediaEvent.LegAnswered(leg.Id));
        if (leg.PlacedFor is { } transfer)
        {
            OnTransferTargetAnswered(transfer);
        }
    }

    private void OnLocalHoldChanged(EngineLeg leg, bool held)
    {
        ApplyMedia(leg);
        leg.PendingHold = null;
        if (held)
        {
            Raise(new MediaEvent.LegHeld(leg.Id, leg.HeldWith ?? HoldAudio.Music));
        }
        else
        {
            EndOurHold(leg);
            Raise(new MediaEvent.LegResumed(leg.Id));
        }

        RunQueuedChange(leg);
    }

    /// <summary>The far end hears its peer again, and its peer hears it (unless muted).</summary>
    private static void EndOurHold(EngineLeg leg)
    {
        leg.HeldWith = null;
        leg.Media.RelayToFarEnd();
        ApplyMute(leg);
        leg.Media.SetHold(heldByUs: false, leg.HeldByFarEnd);
    }

    private static void RunQueuedChange(EngineLeg leg)
    {
        var next = leg.AfterMediaChange;
        leg.AfterMediaChange = null;
        next?.Invoke(leg);
    }

    private void OnReInviteFailed(EngineLeg leg, int statusCode)
    {
        if (leg.PendingHold is not { } wasHold)
        {
            // A session refresh failed; the media goes on as it was.
            return;
        }

        leg.PendingHold = null;
        if (wasHold)
        {
            // The far end refused to be held: it goes back to hearing its peer.
            EndOurHold(leg);
        }

        Fail(leg, wasHold ? MediaCommand.Hold : MediaCommand.Resume, $"The far end refused the re-INVITE with {statusCode}.", statusCode);
        RunQueuedChange(leg);
    }

    private void OnInfo(EngineLeg leg, SipCallEvent.InfoReceived info)
    {
        if (!string.Equals(info.ContentType, "application/dtmf-relay", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        char? key = null;
        var duration = TimeSpan.Zero;
        foreach (var line in Encoding.ASCII.GetString(info.Body.Span).Split('\n', StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf('=');
            if (colon < 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase) && value.Length == 1 && Rtp.Dtmf.DtmfEvent.TryGetCode(value[0], out _))
            {
                key = char.ToUpperInvariant(value[0]);
            }
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out var milliseconds) && milliseconds is > 0 and < 60_000)
            {
                duration = TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (key is { } digit)
        {
            Raise(new MediaEvent.DigitReceived(leg.Id, digit, duration));
        }
    }

    private void OnGone(EngineLeg leg, RtpLegGone gone)
    {
        if (leg.Ended)
        {
            return;
        }

        _logger.LogInformation("Leg {LegId} sent no RTP for {SilentFor}; hanging up", leg.Id, gone.SilentFor);
        leg.EndReason = DisconnectReason.Gone;
        leg.Call.Hangup();
    }

    private void OnTerminated(EngineLeg leg, int statusCode, SipInitiator initiator)
    {
        leg.Ended = true;
        var quality = leg.Media.QualityAtEnd();
        // Our reason stands when we ended it, and for a referrer hanging up as the last step of its transfer.
        var reason = leg.EndReason is { } asked && (initiator == SipInitiator.Local || asked == DisconnectReason.Transfer)
            ? asked
            : ReasonFor(leg, statusCode, initiator);
        StopRecordingOf(leg);
        DoUnbridge(leg);
        Raise(new MediaEvent.LegEnded(leg.Id, reason, statusCode, initiator, quality.PacketsReceived > 0 ? quality : null));
        Release(leg);
        OnLegGoneFromTransfers(leg, statusCode);
    }

    /// <summary>The contract's reason for a SIP end nobody here asked for.</summary>
    private static DisconnectReason ReasonFor(EngineLeg leg, int statusCode, SipInitiator initiator)
    {
        if (leg.Answered)
        {
            // A BYE either way is a normal hang-up; our 408 is the session timer or the missing ACK.
            return statusCode == 408 && initiator == SipInitiator.Local ? DisconnectReason.Gone : DisconnectReason.Success;
        }

        return statusCode switch
        {
            486 or 600 => DisconnectReason.Busy,
            603 => DisconnectReason.Decline,
            // Ours: the ring timeout cancelled it. Theirs: the caller gave up.
            487 => initiator == SipInitiator.Local ? DisconnectReason.Timeout : DisconnectReason.Cancel,
            408 or 480 => DisconnectReason.Timeout,
            503 when initiator == SipInitiator.Local => DisconnectReason.FailedTransport,
            488 or 606 => DisconnectReason.MediaError,
            _ => DisconnectReason.GeneralError,
        };
    }
}
