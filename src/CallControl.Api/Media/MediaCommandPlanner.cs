using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Api.Media;

/// <summary>One event of an append, with the id that makes the commands planned for it recognisable when sent again.</summary>
public sealed record PlannedEvent(Guid EventId, long Version, ConversationEvent Event);

/// <summary>
/// What the media layer must do for an append to a conversation: pure, so a replay after a restart plans the
/// same commands with the same ids, and the worker carries each out once.
/// <para>
/// Bridging is derived, not commanded by the CRM: after any append that changes who is on the call, the
/// connected participants we are not holding are bridged when there are exactly two of them. That one rule
/// covers click-to-dial, an accepted inbound offer, a blind transfer's target answering, a consult (agent and
/// target while the customer waits on hold), its completion (customer and target) and its cancellation.
/// </para>
/// </summary>
public static class MediaCommandPlanner
{
    /// <param name="after">The conversation as the append left it.</param>
    public static List<object> Plan(string tenantId, Conversation.Started after, IReadOnlyList<PlannedEvent> append, DateTimeOffset now)
    {
        var conversationId = after.Id.Value;
        var commands = new List<object>();
        var rebridge = false;
        foreach (var (eventId, version, @event) in append)
        {
            var n = 0;
            string Id() => $"{eventId:N}:{n++}";
            switch (@event)
            {
                case ConversationStarted { Direction: ConversationDirection.Inbound }:
                    foreach (var customer in after.Participants.Where(p => p.Role == ParticipantRole.Customer && p.Direction == ConversationDirection.Inbound))
                    {
                        commands.Add(new RingLeg(tenantId, conversationId, customer.Id.Value, Id(), Ringback: true, Initiator.Customer, now));
                    }

                    break;
                case ParticipantAdded { HasLeg: true, Status: ParticipantStatus.Dialing } e:
                    commands.Add(Place(tenantId, after, e.ParticipantId, e.Role, e.Address, e.AutoAnswer, Id(), now));
                    break;
                case OfferAccepted e when after.FindParticipant(e.ParticipantId) is { } offer:
                    commands.Add(Place(tenantId, after, offer.Id, offer.Role, offer.Address, offer.AutoAnswer, Id(), now));
                    break;
                case ParticipantConnected e:
                    rebridge = true;
                    // An inbound caller is answered only once an agent's station has: until then it hears ringback.
                    if (after.Direction == ConversationDirection.Inbound
                        && after.FindParticipant(e.ParticipantId) is { Role: ParticipantRole.Agent })
                    {
                        foreach (var customer in after.Participants.Where(p => p.Role == ParticipantRole.Customer
                            && p.Status == ParticipantStatus.Alerting && p.HasLeg && !p.IsEnding))
                        {
                            commands.Add(new AnswerLeg(tenantId, conversationId, customer.Id.Value, Id(), now));
                        }
                    }

                    break;
                case ParticipantHoldRequested e:
                    commands.Add(new HoldLeg(tenantId, conversationId, e.ParticipantId.Value, Id(), e.Music, now));
                    break;
                case ParticipantResumeRequested e:
                    commands.Add(new ResumeLeg(tenantId, conversationId, e.ParticipantId.Value, Id(), now));
                    rebridge = true;
                    break;
                case ParticipantMuteRequested e:
                    commands.Add(new MuteLeg(tenantId, conversationId, e.ParticipantId.Value, Id(), now));
                    break;
                case ParticipantUnmuteRequested e:
                    commands.Add(new UnmuteLeg(tenantId, conversationId, e.ParticipantId.Value, Id(), now));
                    break;
                case DigitsSendRequested e:
                    commands.Add(new SendLegDigits(tenantId, conversationId, e.ParticipantId.Value, Id(), e.Digits, now));
                    break;
                case RecordingStartRequested when RecordedLeg(after) is { } leg:
                    commands.Add(new StartLegRecording(tenantId, conversationId, leg.Id.Value, Id(), $"{conversationId}-{version}.wav", now));
                    break;
                case RecordingStopRequested when RecordedLeg(after) is { } leg:
                    commands.Add(new StopLegRecording(tenantId, conversationId, leg.Id.Value, Id(), now));
                    break;
                case ParticipantEndRequested e when after.FindParticipant(e.ParticipantId) is { HasLeg: true }:
                    commands.Add(new HangUpLeg(
                        tenantId, conversationId, e.ParticipantId.Value, Id(), e.Reason ?? DisconnectReason.Success, e.Initiator, now));
                    rebridge = true;
                    break;
                case ParticipantDisconnected:
                case TransferCompleteRequested:
                case TransferCancelRequested:
                    rebridge = true;
                    break;
            }
        }

        if (rebridge && Bridge(tenantId, after, $"{append[^1].EventId:N}:bridge", now) is { } bridge)
        {
            commands.Add(bridge);
        }

        return commands;
    }

    /// <summary>The two connected participants that should hear each other, when there are exactly two.</summary>
    private static BridgeLegs? Bridge(string tenantId, Conversation.Started after, string commandId, DateTimeOffset now)
    {
        if (after is Conversation.Ended)
        {
            return null;
        }

        var talking = after.Participants
            .Where(p => p.HasLeg && p.Status == ParticipantStatus.Connected && !p.IsEnding && !p.IntendsHeld)
            .Take(3)
            .ToList();
        return talking.Count == 2
            ? new BridgeLegs(tenantId, after.Id.Value, talking[0].Id.Value, talking[1].Id.Value, commandId, now)
            : null;
    }

    /// <summary>
    /// A conversation is recorded on its customer's leg (the external party's when there is no customer): the
    /// WAV's left channel is that far end, the right whoever it is bridged to.
    /// </summary>
    private static Participant? RecordedLeg(Conversation.Started state) =>
        state.Participants.FirstOrDefault(p => p.HasLeg && p.Status == ParticipantStatus.Connected && p.Role == ParticipantRole.Customer)
        ?? state.Participants.FirstOrDefault(p => p.HasLeg && p.Status == ParticipantStatus.Connected && p.Role != ParticipantRole.Agent)
        ?? state.Participants.FirstOrDefault(p => p.HasLeg && p.Status == ParticipantStatus.Connected);

    private static PlaceLeg Place(
        string tenantId, Conversation.Started state, ParticipantId leg, ParticipantRole role, string address, bool autoAnswer, string commandId, DateTimeOffset now)
    {
        // Agents' stations see who they are being connected to; customers and transfer targets see our caller id.
        var (from, name) = role == ParticipantRole.Agent
            ? (state.Direction == ConversationDirection.Outbound ? state.Dial.To : state.Dial.From, state.Dial.CallerIdName)
            : (state.Dial.From, state.Dial.CallerIdName);
        return new PlaceLeg(tenantId, state.Id.Value, leg.Value, commandId, address, from, name, autoAnswer, PartyOf(role), now);
    }

    public static Initiator PartyOf(ParticipantRole role) => role switch
    {
        ParticipantRole.Agent => Initiator.Agent,
        ParticipantRole.Customer => Initiator.Customer,
        _ => Initiator.External,
    };
}
