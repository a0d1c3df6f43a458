using CallControl.Api.EventStore;

namespace CallControl.Api.Tests.EventStore;

public sealed class EventLogSignalTests
{
    [Fact]
    public void AStreamsWaitersWakeOnItsAppendsOnly()
    {
        var signal = new EventLogSignal();
        var mine = signal.NextAppendTo("t1", "c1", afterVersion: 3);
        var everyone = signal.NextAppend();

        signal.Notify();
        signal.NotifyStream("t1", "c2", 4);
        mine.IsCompleted.ShouldBeFalse("another conversation's append");
        everyone.IsCompleted.ShouldBeTrue("the log's readers hear of every append");

        signal.NotifyStream("t2", "c1", 4);
        mine.IsCompleted.ShouldBeFalse("the same id in another tenant");

        signal.NotifyStream("t1", "c1", 4);
        mine.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void AWaiterSleepsThroughTheAppendsItHasSeen()
    {
        var signal = new EventLogSignal();
        var mine = signal.NextAppendTo("t1", "c1", afterVersion: 5);

        signal.NotifyStream("t1", "c1", 5);
        mine.IsCompleted.ShouldBeFalse("the append that took the stream to version 5 is the waiter's own, or one it has seen");
        signal.NotifyStream("t1", "c1", 4);
        mine.IsCompleted.ShouldBeFalse("an older append's late notice");

        signal.NotifyStream("t1", "c1", 7);
        mine.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public void WaitersOfOneStreamWakeEachAtItsOwnVersion()
    {
        var signal = new EventLogSignal();
        var behind = signal.NextAppendTo("t1", "c1", afterVersion: 2);
        var ahead = signal.NextAppendTo("t1", "c1", afterVersion: 3);

        signal.NotifyStream("t1", "c1", 3);
        behind.IsCompleted.ShouldBeTrue();
        ahead.IsCompleted.ShouldBeFalse();

        signal.StopWaiting("t1", "c1", behind);
        signal.NotifyStream("t1", "c1", 4);
        ahead.IsCompleted.ShouldBeTrue("a waiter that left does not strand the other");
    }

    [Fact]
    public void AWaiterThatLeftIsNotWoken()
    {
        var signal = new EventLogSignal();
        var gone = signal.NextAppendTo("t1", "c1", afterVersion: 1);
        signal.StopWaiting("t1", "c1", gone);

        signal.NotifyStream("t1", "c1", 2);

        gone.IsCompleted.ShouldBeFalse();
    }
}
