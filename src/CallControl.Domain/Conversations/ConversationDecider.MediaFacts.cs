using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    private static void Observe(MediaFact fact, Decision d)
    {
        switch (fact)
        {
            case ConfirmLegAlerting c:
                Alerting(d.Get(c.ParticipantId), d);
                break;
            case ConfirmLegAnswered c:
                Answered(d.Get(c.ParticipantId), d);
                break;
            case ConfirmLegHeld c:
                Confirmed(d.Get(c.ParticipantId), MediaOperation.Hold, new ParticipantHeld(c.ParticipantId, d.At), d);
                break;
            case ConfirmLegResumed c:
                Confirmed(d.Get(c.ParticipantId), MediaOperation.Resume, new ParticipantResumed(c.ParticipantId, d.At), d);
                break;
            case ConfirmLegMuted c:
                Confirmed(d.Get(c.ParticipantId), MediaOperation.Mute, new ParticipantMuted(c.ParticipantId, d.At), d);
                break;
            case ConfirmLegUnmuted c:
                Confirmed(d.Get(c.ParticipantId), MediaOperation.Unmute, new ParticipantUnmuted(c.ParticipantId, d.At), d);
                break;
            case ReportRemoteHold c:
                RemoteHold(d.Get(c.ParticipantId), c.Held, d);
                break;
            case ReportLegCommandFailed c:
                CommandFailed(c, d);
                break;
            case ReportLegEnded c:
                LegEnded(c, d);
                break;
            case ReportDigitsReceived c:
                DigitsArrived(c, d);
                break;
            case ConfirmRecordingStarted c:
                RecordingConfirmedStarted(c, d);
                break;
            case ConfirmRecordingStopped:
                RecordingConfirmedStopped(d);
                break;
            case ReportRecordingFailed c:
                RecordingReportedFailed(c.Detail, d);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fact), fact.GetType().Name, "Unknown media fact.");
        }
    }

    private static void Alerting(Participant participant, Decision d)
    {
        if (participant.Status == ParticipantStatus.Dialing && participant.HasLeg)
        {
            d.Emit(new ParticipantAlerting(participant.Id, d.At));
        }
    }

    private static void Answered(Participant participant, Decision d)
    {
        if (!participant.HasLeg || participant.Status is ParticipantStatus.Connected or ParticipantStatus.Disconnected)
        {
            return;
        }

        d.Emit(new ParticipantConnected(participant.Id, d.At));
        if (participant.IsEnding)
        {
            return;
        }

        var state = d.State;
        if (state.Direction == ConversationDirection.Outbound
            && participant.Role == ParticipantRole.Agent
            && state.Dial.CustomerParticipantId is { } customerId
            && state.FindParticipant(customerId) is null)
        {
            d.Emit(new ParticipantAdded(
                customerId,
                ParticipantRole.Customer,
                null,
                state.Dial.To,
                ConversationDirection.Outbound,
                ParticipantStatus.Dialing,
                HasLeg: true,
                IsOffer: false,
                AutoAnswer: false,
                d.At));
        }

        if (participant.IsOffer)
        {
            WithdrawOtherOffers(d, participant.Id);
        }

        TargetAnswered(d, participant);
    }

    private static void Confirmed(Participant participant, MediaOperation command, ConversationEvent confirmation, Decision d)
    {
        if (participant.HasPending(command))
        {
            d.Emit(confirmation);
        }
    }

    private static void RemoteHold(Participant participant, bool held, Decision d)
    {
        if (participant.IsDisconnected || participant.RemoteHeld == held)
        {
            return;
        }

        d.Emit(held ? new ParticipantRemoteHeld(participant.Id, d.At) : new ParticipantRemoteResumed(participant.Id, d.At));
    }

    /// <summary>
    /// A failure settles the pending change it answers; without one it is a duplicate and decides nothing.
    /// Digits are the exception: they are fire-and-forget (never pending), so each failure report is recorded.
    /// A leg that could not be placed, rung or ended is written off as disconnected, so it never stays
    /// "connected" in the read model while the media layer has given up on it.
    /// </summary>
    private static void CommandFailed(ReportLegCommandFailed c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        var failed = new ParticipantCommandFailed(participant.Id, c.Command, c.SipStatus, c.Detail, d.At);
        switch (c.Command)
        {
            case MediaOperation.Recording:
                if (d.State.Recording.Pending.Count > 0)
                {
                    d.Emit(failed);
                    d.Emit(new RecordingFailed(c.Detail, d.At));
                }

                return;
            case MediaOperation.Digits:
                if (!participant.IsDisconnected)
                {
                    d.Emit(failed);
                }

                return;
        }

        if (!participant.HasPending(c.Command))
        {
            return;
        }

        d.Emit(failed);
        switch (c.Command)
        {
            case MediaOperation.Transfer:
                FailTransfer(d, participant, c.Detail);
                break;
            case MediaOperation.Place or MediaOperation.Accept:
                Disconnect(d, participant.Id, DisconnectReasonWire.FromSipStatus(c.SipStatus), c.SipStatus, Initiator.System);
                break;
            case MediaOperation.End:
                Disconnect(d, participant.Id, DisconnectReason.GeneralError, c.SipStatus, Initiator.System);
                break;
        }
    }

    private static void LegEnded(ReportLegEnded c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        if (participant.HasLeg && !participant.IsDisconnected)
        {
            Disconnect(d, participant.Id, c.Reason, c.SipStatus, c.Initiator);
        }
    }

    private static void DigitsArrived(ReportDigitsReceived c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        if (!participant.IsDisconnected)
        {
            d.Emit(new DigitsReceived(participant.Id, c.Digits, d.At));
        }
    }
}
