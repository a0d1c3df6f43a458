using CallControl.Domain.Conversations;
using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Calls.Recording;
using CallControl.Media.Rtp.Dtmf;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Calls.Engine;

public sealed partial class MediaEngine
{
    /// <summary>The longest digit string one command sends (the contract's limit).</summary>
    public const int MaxDigits = 32;

    /// <summary>
    /// Calls <paramref name="target"/> (a <c>sip:</c> URI, or a telephone number through the trunk) as leg
    /// <paramref name="legId"/>: <see cref="MediaEvent.LegRinging"/> and <see cref="MediaEvent.LegAnswered"/>
    /// follow, or <see cref="MediaEvent.LegEnded"/> (busy, decline, timeout…).
    /// </summary>
    /// <param name="fromUser">The user part of our From; the configured user when null.</param>
    /// <param name="callerIdName">The display name of our From, shown by the callee as the caller's name.</param>
    /// <param name="autoAnswer">Asks the callee (a desk phone) to answer at once, with Call-Info and Alert-Info.</param>
    public void Place(string legId, string target, string? fromUser = null, string? callerIdName = null, bool autoAnswer = false) =>
        Post(() => DoPlace(legId, target, new Presentation(fromUser, callerIdName, autoAnswer), placedFor: null));

    /// <summary>
    /// Tells the caller of an offered leg that it rings: 180, or with <paramref name="ringback"/> 183 with our
    /// SDP and a ringback tone (425 Hz, 1 s on, 4 s off) played until the leg is answered. A caller whose INVITE
    /// had no offer gets 180 either way.
    /// </summary>
    public void Ring(string legId, bool ringback = false) => OnLeg(legId, MediaCommand.Ring, leg =>
    {
        if (!leg.Call.Ring(ringback))
        {
            Fail(leg, MediaCommand.Ring, "The leg is not an offered call still ringing.");
            return;
        }

        if (leg.Call.EarlyMedia)
        {
            leg.Media.PlayToFarEnd(ToneGenerator.Ringback());
        }
    });

    /// <summary>Answers an offered leg; <see cref="MediaEvent.LegAnswered"/> follows when the caller acknowledges.</summary>
    public void Answer(string legId) => OnLeg(legId, MediaCommand.Answer, leg =>
    {
        if (!leg.Call.Answer())
        {
            Fail(leg, MediaCommand.Answer, "The leg is not an offered call still ringing.");
        }
    });

    /// <summary>Refuses an offered leg with <paramref name="sipStatus"/> (486 busy, 603 decline, 480…).</summary>
    public void Reject(string legId, int sipStatus = 603)
    {
        if (sipStatus is < 300 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(sipStatus), sipStatus, "A rejection is a SIP status from 300 to 699.");
        }

        OnLeg(legId, MediaCommand.Reject, leg =>
        {
            leg.EndReason = sipStatus is 486 or 600 ? DisconnectReason.Busy : DisconnectReason.Decline;
            if (!leg.Call.Reject(sipStatus))
            {
                leg.EndReason = null;
                Fail(leg, MediaCommand.Reject, "The leg is not an offered call still ringing.");
            }
        });
    }

    /// <summary>
    /// Holds the far end (re-INVITE with sendonly): it hears <paramref name="audio"/> and its peer hears
    /// nothing from it. <see cref="MediaEvent.LegHeld"/> follows once the far end accepts.
    /// </summary>
    public void Hold(string legId, HoldAudio audio = HoldAudio.Music) => OnConnectedLeg(legId, MediaCommand.Hold, leg => DoHold(leg, audio));

    /// <summary>Takes the far end off hold (re-INVITE with sendrecv); <see cref="MediaEvent.LegResumed"/> follows.</summary>
    public void Resume(string legId) => OnConnectedLeg(legId, MediaCommand.Resume, DoResume);

    /// <summary>Stops passing what the far end says to its peer.</summary>
    public void Mute(string legId) => OnLeg(legId, MediaCommand.Mute, leg =>
    {
        leg.Muted = true;
        ApplyMute(leg);
        Raise(new MediaEvent.LegMuted(leg.Id));
    });

    public void Unmute(string legId) => OnLeg(legId, MediaCommand.Unmute, leg =>
    {
        leg.Muted = false;
        ApplyMute(leg);
        Raise(new MediaEvent.LegUnmuted(leg.Id));
    });

    /// <summary>Bridges two connected legs; either one bridged elsewhere leaves that bridge first.</summary>
    public void Bridge(string legId, string otherLegId) => OnConnectedLeg(legId, MediaCommand.Bridge, leg =>
    {
        if (!_legs.TryGetValue(otherLegId, out var other) || other.Ended || ReferenceEquals(other, leg))
        {
            Fail(leg, MediaCommand.Bridge, $"Leg '{otherLegId}' is not a live leg to bridge with.");
            return;
        }

        if (ReferenceEquals(leg.Peer, other))
        {
            // Already bridged together: the contract makes a repeat a no-op, not a bridge torn down and rebuilt.
            Raise(new MediaEvent.LegsBridged(leg.Id, other.Id));
            return;
        }

        DoBridge(leg, other);
    });

    /// <summary>Takes a leg out of its bridge: neither side hears the other.</summary>
    public void Unbridge(string legId) => OnLeg(legId, MediaCommand.Unbridge, DoUnbridge);

    /// <summary>
    /// Blind transfer: calls <paramref name="target"/> as leg <paramref name="newLegId"/>; once it answers it is
    /// bridged to the peer of <paramref name="legId"/>, which is hung up (<see cref="MediaEvent.TransferCompleted"/>).
    /// Until then the two keep talking; if the target does not answer they simply go on (<see cref="MediaEvent.TransferFailed"/>).
    /// </summary>
    public void Transfer(string legId, string newLegId, string target) =>
        OnConnectedLeg(legId, MediaCommand.Transfer, leg => StartTransfer(TransferKind.Blind, leg, newLegId, target));

    /// <summary>
    /// Consultation: the peer of <paramref name="legId"/> is held with music and <paramref name="target"/> is
    /// called as <paramref name="newLegId"/>, which is bridged to <paramref name="legId"/> when it answers. Finish
    /// with <see cref="CompleteConsult"/> or <see cref="CancelConsult"/>.
    /// </summary>
    public void Consult(string legId, string newLegId, string target) =>
        OnConnectedLeg(legId, MediaCommand.Consult, leg => StartTransfer(TransferKind.Consult, leg, newLegId, target));

    /// <summary>Finishes a consultation: the held peer and the consulted leg are bridged and <paramref name="legId"/> is hung up.</summary>
    public void CompleteConsult(string legId) => OnLeg(legId, MediaCommand.CompleteConsult, DoCompleteConsult);

    /// <summary>Abandons a consultation: the consulted leg is hung up and <paramref name="legId"/> is bridged to its resumed peer again.</summary>
    public void CancelConsult(string legId) => OnLeg(legId, MediaCommand.CancelConsult, DoCancelConsult);

    /// <summary>
    /// Sends DTMF to the far end: RFC 4733 events when it negotiated telephone-event, else SIP INFO
    /// (application/dtmf-relay). <see cref="MediaEvent.DigitsSent"/> follows.
    /// </summary>
    /// <exception cref="ArgumentException">Not 1 to <see cref="MaxDigits"/> of 0-9, *, #, A-D.</exception>
    public void SendDigits(string legId, string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Length is 0 or > MaxDigits || !digits.All(key => DtmfEvent.TryGetCode(key, out _)))
        {
            throw new ArgumentException($"Digits are 1 to {MaxDigits} of 0-9, *, #, A-D.", nameof(digits));
        }

        OnConnectedLeg(legId, MediaCommand.Digits, leg => DoSendDigits(leg, digits));
    }

    /// <summary>
    /// Records the leg's bridge into a stereo WAV at <paramref name="path"/> (its folder must exist): this far
    /// end on the left channel, whoever it is bridged to on the right, for as long as the leg lasts.
    /// </summary>
    public void StartRecording(string legId, string path) => OnLeg(legId, MediaCommand.Record, leg => DoStartRecording(leg, path));

    public void StopRecording(string legId) => OnLeg(legId, MediaCommand.StopRecording, leg =>
    {
        if (leg.Recorder is null)
        {
            Fail(leg, MediaCommand.StopRecording, "The leg is not being recorded.");
            return;
        }

        StopRecordingOf(leg);
    });

    /// <summary>Ends the leg however it stands (BYE, CANCEL, or 480 for an offered call); <see cref="MediaEvent.LegEnded"/> follows.</summary>
    public void HangUp(string legId, DisconnectReason reason = DisconnectReason.Success) => OnLeg(legId, MediaCommand.HangUp, leg => EndLeg(leg, reason));

    private void OnLeg(string legId, MediaCommand command, Action<EngineLeg> action)
    {
        ArgumentNullException.ThrowIfNull(legId);
        Post(() =>
        {
            if (!_legs.TryGetValue(legId, out var leg) || leg.Ended)
            {
                Raise(new MediaEvent.CommandFailed(legId, command, $"There is no live leg '{legId}'."));
                return;
            }

            action(leg);
        });
    }

    private void OnConnectedLeg(string legId, MediaCommand command, Action<EngineLeg> action) => OnLeg(legId, command, leg =>
    {
        if (!leg.Answered)
        {
            Fail(leg, command, "The leg is not connected yet.");
            return;
        }

        action(leg);
    });

    private void Fail(EngineLeg leg, MediaCommand command, string reason, int? sipStatus = null) =>
        Raise(new MediaEvent.CommandFailed(leg.Id, command, reason, sipStatus));

    /// <summary>How a call we place presents itself to its callee.</summary>
    private readonly record struct Presentation(string? FromUser, string? CallerIdName, bool AutoAnswer);

    private EngineLeg? DoPlace(string legId, string target, Presentation presentation, Transfer? placedFor)
    {
        if (_legs.ContainsKey(legId))
        {
            Raise(new MediaEvent.CommandFailed(legId, MediaCommand.Place, $"Leg '{legId}' already exists."));
            return null;
        }

        SipCall call;
        try
        {
            call = _stack.UserAgent.PlaceCall(target, presentation.FromUser, replaces: null, presentation.CallerIdName, presentation.AutoAnswer);
        }
        catch (ArgumentException exception)
        {
            Raise(new MediaEvent.CommandFailed(legId, MediaCommand.Place, exception.Message));
            Raise(new MediaEvent.LegEnded(legId, DisconnectReason.GeneralError, null, SipInitiator.Local, null));
            return null;
        }
        catch (InvalidOperationException exception)
        {
            Raise(new MediaEvent.CommandFailed(legId, MediaCommand.Place, exception.Message));
            Raise(new MediaEvent.LegEnded(legId, DisconnectReason.MediaError, null, SipInitiator.Local, null));
            return null;
        }

        if (Claim(call) is not { } pair)
        {
            // The pair was bound a moment ago for this very call; only a sweep racing a stalled loop could take it.
            call.Hangup();
            Raise(new MediaEvent.LegEnded(legId, DisconnectReason.MediaError, null, SipInitiator.Local, null));
            return null;
        }

        var leg = AddLeg(legId, call, pair);
        leg.PlacedFor = placedFor;
        return leg;
    }

    private void DoHold(EngineLeg leg, HoldAudio audio)
    {
        if (leg.HeldWith is not null && leg.PendingHold is null)
        {
            // Already held: the audio may change, the far end needs no new offer.
            PlayHoldAudio(leg, audio);
            Raise(new MediaEvent.LegHeld(leg.Id, audio));
            return;
        }

        switch (leg.PendingHold)
        {
            case true:
                // A hold is on its way: only the audio changes.
                PlayHoldAudio(leg, audio);
                leg.AfterMediaChange = null;
                return;
            case false:
                leg.AfterMediaChange = next => DoHold(next, audio);
                return;
        }

        if (!leg.Call.Hold())
        {
            Fail(leg, MediaCommand.Hold, "The far end's media is being renegotiated; try again.");
            return;
        }

        leg.PendingHold = true;
        // The far end hears the music and its peer stops hearing it at once; the re-INVITE only confirms it.
        PlayHoldAudio(leg, audio);
        ApplyMute(leg);
        leg.Media.SetHold(heldByUs: true, leg.HeldByFarEnd);
    }

    private void PlayHoldAudio(EngineLeg leg, HoldAudio audio)
    {
        leg.HeldWith = audio;
        leg.Media.PlayToFarEnd(audio == HoldAudio.Music ? HoldMusic() : null);
    }

    private void DoResume(EngineLeg leg)
    {
        if (leg.HeldWith is null && leg.PendingHold is null)
        {
            Raise(new MediaEvent.LegResumed(leg.Id));
            return;
        }

        switch (leg.PendingHold)
        {
            case true:
                leg.AfterMediaChange = DoResume;
                return;
            case false:
                // A resume is on its way already.
                leg.AfterMediaChange = null;
                return;
        }

        if (!leg.Call.Resume())
        {
            Fail(leg, MediaCommand.Resume, "The far end's media is being renegotiated; try again.");
            return;
        }

        leg.PendingHold = false;
    }

    /// <summary>The far end's audio reaches its peer only when neither muted nor held by us.</summary>
    private static void ApplyMute(EngineLeg leg) => leg.Media.SetMuted(leg.Muted || leg.HeldWith is not null);

    private void DoBridge(EngineLeg leg, EngineLeg other)
    {
        DoUnbridge(leg);
        DoUnbridge(other);
        RtpLeg.Bridge(leg.Media, other.Media);
        leg.Peer = other;
        other.Peer = leg;
        TapRecorders(leg);
        TapRecorders(other);
        Raise(new MediaEvent.LegsBridged(leg.Id, other.Id));
    }

    private void DoUnbridge(EngineLeg leg)
    {
        if (leg.Peer is not { } peer)
        {
            return;
        }

        leg.Media.Unbridge();
        leg.Peer = null;
        peer.Peer = null;
        TapRecorders(leg);
        TapRecorders(peer);
        Raise(new MediaEvent.LegUnbridged(leg.Id, peer.Id));
    }

    private void DoSendDigits(EngineLeg leg, string digits)
    {
        if (leg.Media.SendDigits(digits, _clock.Elapsed))
        {
            return;
        }

        if (leg.Media.Remote is { SendToFarEnd: false })
        {
            Fail(leg, MediaCommand.Digits, "The far end holds the call and takes no media now.");
            return;
        }

        if (leg.Media.Remote?.TelephoneEventPayloadType is not null)
        {
            Fail(leg, MediaCommand.Digits, "Digits are still being sent on this leg.");
            return;
        }

        // No telephone-event in the far end's SDP: SIP INFO, one request per key (the widespread dtmf-relay body).
        foreach (var key in digits)
        {
            leg.Call.SendInfo("application/dtmf-relay", System.Text.Encoding.ASCII.GetBytes($"Signal={key}\r\nDuration=100\r\n"));
        }

        Raise(new MediaEvent.DigitsSent(leg.Id, digits));
    }

    private void DoStartRecording(EngineLeg leg, string path)
    {
        if (leg.Recorder is not null)
        {
            Fail(leg, MediaCommand.Record, $"The leg is already being recorded to '{leg.Recorder.Path}'.");
            return;
        }

        CallRecorder recorder;
        try
        {
            recorder = new CallRecorder(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Fail(leg, MediaCommand.Record, $"The recording file cannot be created: {exception.Message}");
            return;
        }

        leg.Recorder = recorder;
        TapRecorders(leg);
        _clock.Add(recorder);
        Raise(new MediaEvent.RecordingStarted(leg.Id, path));
    }

    private void StopRecordingOf(EngineLeg leg)
    {
        if (leg.Recorder is not { } recorder)
        {
            return;
        }

        leg.Recorder = null;
        _clock.Remove(recorder);
        TapRecorders(leg);
        recorder.Dispose();
        Raise(new MediaEvent.RecordingStopped(leg.Id, recorder.Path, recorder.Duration, recorder.Failure?.Message));
    }

    /// <summary>Points a leg's and its peer's recording taps at the recorder anchored on either, if any.</summary>
    private static void TapRecorders(EngineLeg leg)
    {
        var peer = leg.Peer;
        if (leg.Recorder is { } own)
        {
            leg.Media.SetRecordingTap(own.Left);
            peer?.Media.SetRecordingTap(own.Right);
        }
        else if (peer?.Recorder is { } peers)
        {
            leg.Media.SetRecordingTap(peers.Right);
        }
        else
        {
            leg.Media.SetRecordingTap(null);
        }
    }

    /// <summary>Hangs a leg up, remembering why so that its end is reported with that reason.</summary>
    private void EndLeg(EngineLeg leg, DisconnectReason reason)
    {
        if (leg.Ended)
        {
            return;
        }

        leg.EndReason ??= leg.Answered ? reason : DisconnectReason.Cancel;
        leg.Call.Hangup();
    }
}
