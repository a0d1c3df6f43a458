using CallControl.Media.Sip.Dialogs;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class TwoHundredRetransmissionTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetransmissionsStartAtT1DoubleUpToT2AndGiveUpWithByeAt64T1()
    {
        var plan = new TwoHundredRetransmission(Start);
        var sends = new List<double>();
        var decision = RetransmissionDecision.Nothing;
        while (plan.NextDueAt is { } due)
        {
            decision = plan.Poll(due);
            if (decision == RetransmissionDecision.Retransmit)
            {
                sends.Add((due - Start).TotalSeconds);
            }
        }

        sends.ShouldBe([0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
        decision.ShouldBe(RetransmissionDecision.SendBye);
        plan.GiveUpAt.ShouldBe(Start + TimeSpan.FromSeconds(32));
    }

    [Fact]
    public void NothingIsDueBeforeTheNextRetransmission()
    {
        var plan = new TwoHundredRetransmission(Start);

        plan.Poll(Start + TimeSpan.FromMilliseconds(499)).ShouldBe(RetransmissionDecision.Nothing);
        plan.Poll(Start + TimeSpan.FromMilliseconds(500)).ShouldBe(RetransmissionDecision.Retransmit);
        plan.NextDueAt.ShouldBe(Start + TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void TheAckStopsThePlan()
    {
        var plan = new TwoHundredRetransmission(Start);
        plan.Poll(Start + TimeSpan.FromMilliseconds(500));

        plan.AckReceived();

        plan.NextDueAt.ShouldBeNull();
        plan.Poll(Start + TimeSpan.FromMinutes(1)).ShouldBe(RetransmissionDecision.Nothing);
    }

    [Fact]
    public void AShorterT1ShortensTheWholePlan()
    {
        var plan = new TwoHundredRetransmission(Start, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400));

        plan.GiveUpAt.ShouldBe(Start + TimeSpan.FromMilliseconds(6400));
        plan.Poll(Start + TimeSpan.FromMilliseconds(6400)).ShouldBe(RetransmissionDecision.SendBye);
    }
}
