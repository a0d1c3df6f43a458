using CallControl.Media.Calls.Legs;
using CallControl.Media.Tests.Calls.Legs;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Relay;

/// <summary>Measures the whole process, so it shares the collection that runs with no other test alongside.</summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class BridgedLegsAllocationTests
{
    [Fact]
    public void RelayingBetweenBridgedLegsInSteadyStateAllocatesAlmostNothingPerPacket()
    {
        using var harness = new BridgeHarness();
        var a = harness.AddSide();
        var b = harness.AddSide();
        b.Phone.Keeps = false;
        RtpLeg.Bridge(a.Leg, b.Leg);
        var sent = 0;
        var arrived = () => a.Leg.Counters.Received >= sent;

        Exchange(a.Phone, ref sent, 500, arrived);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Exchange(a.Phone, ref sent, 2000, arrived);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Loopback.WaitUntil(() => b.Leg.Counters.Relayed == 2500, BridgeHarness.Patience).ShouldBeTrue();
        Loopback.WaitUntil(() => b.Phone.Count >= 2375, BridgeHarness.Patience).ShouldBeTrue();
        // Thread-pool and runtime bookkeeping on the side must stay far below one byte per packet.
        allocated.ShouldBeLessThan(16 * 1024);
    }

    private static void Exchange(Phone phone, ref int sent, int count, Func<bool> arrived)
    {
        for (var n = 0; n < count; n++)
        {
            phone.Send(0xA, (ushort)sent, (uint)(160 * sent));
            sent++;
            if (n % 50 == 49)
            {
                Loopback.WaitUntil(arrived, BridgeHarness.Patience).ShouldBeTrue();
            }
        }

        Loopback.WaitUntil(arrived, BridgeHarness.Patience).ShouldBeTrue();
    }
}
