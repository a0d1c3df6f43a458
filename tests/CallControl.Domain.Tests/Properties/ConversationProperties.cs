using FsCheck;
using FsCheck.Fluent;

namespace CallControl.Domain.Tests.Properties;

public sealed class ConversationProperties
{
    [Fact]
    public void EveryParticipantDisconnectsOnceAtMostAndTheConversationEndsOnceAfterEveryoneLeft() =>
        Check.One(Scripts.Config, Prop.ForAll(Scripts.Arbitrary, script =>
        {
            var simulation = Simulation.Run(script);
            foreach (var (id, stream) in simulation.Streams)
            {
                var added = stream.OfType<ParticipantAdded>().Select(e => e.ParticipantId).ToList();
                var disconnects = stream.OfType<ParticipantDisconnected>().GroupBy(e => e.ParticipantId).ToList();
                disconnects.ShouldAllBe(g => g.Count() == 1, $"{id}: a participant disconnected twice");

                var endings = stream.Select((e, i) => (Event: e, Index: i)).Where(x => x.Event is ConversationEnded).ToList();
                endings.Count.ShouldBeLessThanOrEqualTo(1, $"{id}: ended twice");
                (simulation.States[id] is Conversation.Ended).ShouldBe(endings.Count == 1, $"{id}: end state and event disagree");
                if (endings is [var ending])
                {
                    ending.Index.ShouldBe(stream.Count - 1, $"{id}: events after the end");
                    var disconnectedBefore = stream.Take(ending.Index).OfType<ParticipantDisconnected>().Select(e => e.ParticipantId).ToList();
                    disconnectedBefore.OrderBy(p => p.Value).ShouldBe(added.OrderBy(p => p.Value), $"{id}: ended before everyone left");
                }
            }
        }));

    [Fact]
    public void FoldingTheEmittedEventsGivesTheStateTheDeciderSawAndTheSameDecision() =>
        Check.One(Scripts.Config, Prop.ForAll(Scripts.Arbitrary, script =>
        {
            var simulation = Simulation.Run(script);
            var replayed = simulation.Streams.Keys.ToDictionary(id => id, _ => new List<ConversationEvent>());
            foreach (var step in simulation.Steps)
            {
                var stream = replayed[step.ConversationId];
                var rebuilt = ConversationDecider.Fold(stream);
                rebuilt.ShouldBe(step.Before);
                rebuilt.GetHashCode().ShouldBe(step.Before.GetHashCode());
                ConversationDecider.Decide(step.Command, rebuilt).ShouldBe(step.Events);
                stream.AddRange(step.Events);
            }

            foreach (var (id, stream) in simulation.Streams)
            {
                ConversationDecider.Fold(stream).ShouldBe(simulation.States[id]);
            }
        }));

    [Fact]
    public void ARepeatedCommandDecidesNothing() =>
        Check.One(Scripts.Config, Prop.ForAll(Scripts.Arbitrary, script =>
        {
            foreach (var step in Simulation.Run(script).Steps)
            {
                if (step.Command is not (ConversationCommand.MediaFact or SendDigits))
                {
                    ConversationDecider.Decide(step.Command, step.After).ShouldBeEmpty($"repeating {step.Command}");
                }
            }
        }));

    [Fact]
    public void TheDeskAlwaysHasAnActiveConversationWhileItHasAnyAndCountsUpdatesOneByOne() =>
        Check.One(Scripts.Config, Prop.ForAll(Scripts.Arbitrary, script =>
        {
            var simulation = Simulation.Run(script);
            IReadOnlyDictionary<AgentId, AgentDesk> desks = new Dictionary<AgentId, AgentDesk>();
            var batches = new List<ConversationEventBatch>();
            var emitted = new List<ConversationUpdate>();
            foreach (var step in simulation.Steps.Where(s => s.Events.Count > 0))
            {
                var (next, updates) = AgentDeskProjection.ProjectAll(desks, (Conversation.Started)step.After, step.Version, step.Command.At);
                foreach (var update in updates)
                {
                    var previous = desks.TryGetValue(update.AgentId, out var desk) ? desk.Sequence : 0;
                    update.Sequence.ShouldBe(previous + 1);
                    if (update.Current.Count == 0)
                    {
                        update.ActiveConversationId.ShouldBeNull();
                    }
                    else
                    {
                        update.ActiveConversationId.ShouldNotBeNull();
                        update.Current.Select(e => e.ConversationId).ShouldContain(update.ActiveConversationId.Value);
                    }

                    update.Current.Select(e => e.ConversationId).ShouldBe(next[update.AgentId].Current.Keys, ignoreOrder: true);
                    update.Added.ShouldAllBe(e => !e.AgentParticipant.IsDisconnected);
                    update.Removed.ShouldAllBe(e => e.AgentParticipant.IsDisconnected || e.Conversation is Conversation.Ended);
                }

                desks = next;
                emitted.AddRange(updates);
                batches.Add(new ConversationEventBatch(step.ConversationId, step.Version, step.Command.At, step.Events));
            }

            var (replay, replayed) = AgentDeskProjection.Replay(batches);
            replayed.ShouldBe(emitted);
            replay.Desks.Keys.ShouldBe(desks.Keys, ignoreOrder: true);
        }));

    [Fact]
    public void TheScriptsReachEveryInterestingOutcome()
    {
        var seen = Gen.Sample(Scripts.Arbitrary.Generator, 100, 300)
            .SelectMany(script => Simulation.Run(script).Steps)
            .SelectMany(step => step.Events)
            .Select(e => e.GetType())
            .ToHashSet();

        Catalogue.CasesOf(typeof(ConversationEvent)).Where(t => !seen.Contains(t)).Select(t => t.Name).ShouldBeEmpty();
    }
}
