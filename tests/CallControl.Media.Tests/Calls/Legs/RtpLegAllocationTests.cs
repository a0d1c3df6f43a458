using CallControl.Media.Audio;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

[Collection(nameof(AllocationMeasurement))]
public sealed class RtpLegAllocationTests
{
    [Fact]
    public void TicksInSteadyStateAllocateNothingPerTick()
    {
        using var harness = LegHarness.WithVirtualClock();
        for (var n = 0; n < 10; n++)
        {
            harness.SendFromPhone((ushort)n, (uint)(160 * n), 9);
        }

        Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().PacketsReceived == 9, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        harness.Tick(300);

        // Ticks run on this thread, so the thread's own count leaves out whatever the receive loops do meanwhile.
        var before = GC.GetAllocatedBytesForCurrentThread();
        harness.Tick(2000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 2000 ticks send 2000 RTP packets and 8 SR compounds; one object per tick would already be 48 KB.
        // The one-off Gone notice at 30 s of silence falls inside the window and is the small constant allowed.
        allocated.ShouldBeLessThan(1024);
    }
}
