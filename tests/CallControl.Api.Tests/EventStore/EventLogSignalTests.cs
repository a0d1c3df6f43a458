using CallControl.Api.EventStore;

namespace CallControl.Api.Tests.EventStore;

public sealed class EventLogSignalTests
{
    [Fact]
    public void AStreamsWaitersWakeOnItsAppendsOnly()
    {
        var signal = new EventLogSignal();
        var mine = signal.NextAppendTo("t1", "c1");
        var everyone = signal.NextAppend();

        signal.Notify();
        signal.NotifyStream("t1", "c2");
        mine.IsCompleted.ShouldBeFalse("another conversation's append");
        everyone.IsCompleted.ShouldBeTrue("the log's readers hear of every append");

        signal.NotifyStream("t2", "c1");
        mine.IsCompleted.ShouldBeFalse("the same id in another tenant");

        signal.NotifyStream("t1", "c1");
        mine.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void WaitersOfOneStreamShareAWakeUpUntilTheLastGivesItBack()
    {
        var signal = new EventLogSignal();
        var first = signal.NextAppendTo("t1", "c1");
        var second = signal.NextAppendTo("t1", "c1");
        second.ShouldBeSameAs(first);

        signal.StopWaiting("t1", "c1", first);
        signal.NotifyStream("t1", "c1");
        second.IsCompleted.ShouldBeTrue("one waiter leaving does not strand the other");

        var later = signal.NextAppendTo("t1", "c1");
        later.ShouldNotBeSameAs(first, "a completed wake-up is not handed out again");
        signal.StopWaiting("t1", "c1", later);
        signal.NextAppendTo("t1", "c1").ShouldNotBeSameAs(later, "the last waiter's leaving dropped the entry");
    }
}
