using CallControl.Media.Calls.Legs;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class InactivityTimeoutTests
{
    private static readonly RtpLegOptions ThirtySeconds = new(InactivityTimeout: TimeSpan.FromSeconds(30));

    [Fact]
    public void ALegWithoutRtpForTheTimeoutReportsGoneOnce()
    {
        using var harness = LegHarness.WithVirtualClock(ThirtySeconds);
        var gone = new List<RtpLegGone>();
        harness.Leg.Gone += gone.Add;

        harness.Tick(1499);
        gone.ShouldBeEmpty();
        harness.Tick();
        harness.Tick(100);

        gone.Count.ShouldBe(1);
        gone[0].SilentFor.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void RtpFromTheFarEndRestartsTheWait()
    {
        using var harness = LegHarness.WithVirtualClock(ThirtySeconds);
        var gone = 0;
        harness.Leg.Gone += _ => gone++;

        harness.Tick(1000);
        for (var n = 0; n < 3; n++)
        {
            harness.SendFromPhone((ushort)n, (uint)(160 * n), 42);
        }

        Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().PacketsReceived == 2, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        harness.Tick(1499);
        gone.ShouldBe(0);
        harness.Tick();
        gone.ShouldBe(1);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void NoInactivityIsReportedWhileEitherSideHoldsAndTheWaitStartsOverAfterward(bool heldByUs, bool heldByFarEnd)
    {
        using var harness = LegHarness.WithVirtualClock(ThirtySeconds);
        var gone = 0;
        harness.Leg.Gone += _ => gone++;

        harness.Leg.SetHold(heldByUs, heldByFarEnd);
        harness.Tick(5000);
        gone.ShouldBe(0);
        harness.Leg.SetHold(false, false);
        harness.Tick(1499);
        gone.ShouldBe(0);
        harness.Tick();

        gone.ShouldBe(1);
    }
}
