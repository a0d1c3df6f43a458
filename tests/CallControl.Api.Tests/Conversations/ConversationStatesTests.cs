using CallControl.Api.Conversations;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Tests.Conversations;

/// <summary>The events remembered with a state, which spare a waiting command a read of its stream.</summary>
public sealed class ConversationStatesTests
{
    private static readonly ParticipantId Customer = new("p-customer");
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-21T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void EventsOfAppendsThatFollowEachOtherAreKeptTogether()
    {
        var states = new ConversationStates();
        states.Remember("t1", "c1", Loaded(5), [Held(1), Held(2)]);
        states.Remember("t1", "c1", Loaded(6), [Held(3)]);

        states.RecentBetween("t1", "c1", 3, 6).ShouldBe([Held(1), Held(2), Held(3)]);
        states.RecentBetween("t1", "c1", 4, 5).ShouldBe([Held(2)]);
        states.RecentBetween("t1", "c1", 6, 6).ShouldBeEmpty("nothing after the newest version");
    }

    [Fact]
    public void WhatIsNotRememberedIsNotMadeUp()
    {
        var states = new ConversationStates();
        states.Remember("t1", "c1", Loaded(5), [Held(1)]);

        states.RecentBetween("t1", "c1", 3, 5).ShouldBeNull("version 4 came from elsewhere");
        states.RecentBetween("t1", "c1", 4, 6).ShouldBeNull("version 6 is not known here");
        states.RecentBetween("t1", "c2", 0, 1).ShouldBeNull("another conversation");
        states.RecentBetween("t2", "c1", 4, 5).ShouldBeNull("another tenant");
    }

    [Fact]
    public void AGapStartsTheEventsAfresh()
    {
        var states = new ConversationStates();
        states.Remember("t1", "c1", Loaded(5), [Held(1)]);
        states.Remember("t1", "c1", Loaded(8), [Held(2)]);

        states.RecentBetween("t1", "c1", 7, 8).ShouldBe([Held(2)]);
        states.RecentBetween("t1", "c1", 4, 8).ShouldBeNull("versions 6 and 7 were appended elsewhere");
    }

    [Fact]
    public void AnOlderStateChangesNothing()
    {
        var states = new ConversationStates();
        states.Remember("t1", "c1", Loaded(5), [Held(1), Held(2)]);
        states.Remember("t1", "c1", Loaded(4), [Held(9)]);

        states.Known("t1", "c1")!.Version.ShouldBe(5);
        states.RecentBetween("t1", "c1", 3, 5).ShouldBe([Held(1), Held(2)]);
    }

    [Fact]
    public void OnlyTheLatestEventsAreKept()
    {
        var states = new ConversationStates();
        for (var version = 1; version <= ConversationStates.RecentEvents + 4; version++)
        {
            states.Remember("t1", "c1", Loaded(version), [Held(version)]);
        }

        var newest = ConversationStates.RecentEvents + 4;
        states.RecentBetween("t1", "c1", newest - ConversationStates.RecentEvents, newest)!.Count.ShouldBe(ConversationStates.RecentEvents);
        states.RecentBetween("t1", "c1", newest - ConversationStates.RecentEvents - 1, newest).ShouldBeNull();
    }

    private static LoadedConversation Loaded(long version) => new(Conversation.Initial, version);

    private static ConversationEvent Held(int second) => new ConversationEvent.ParticipantHeld(Customer, At.AddSeconds(second));
}
