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
        // Paced on both phones: under load the receiving phone's thread may fall behind, and its socket's buffer must not overflow.
        var arrived = () => a.Leg.Counters.Received >= sent && b.Phone.Count >= sent - 100;

        Exchange(a.Phone, ref sent, 500, arrived);
        // The count is the whole process's, and the test runner reports on other threads meanwhile: once, early
        // on, it serialises its first messages (close to a megabyte), and under load the thread pool may add a
        // thread. Relaying that allocated per packet would show in every window, so the quietest one is judged.
        var windows = new long[3];
        for (var window = 0; window < windows.Length; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            Exchange(a.Phone, ref sent, 2000, arrived);
            windows[window] = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        Loopback.WaitUntil(() => b.Leg.Counters.Relayed == sent, BridgeHarness.Patience).ShouldBeTrue();
        Loopback.WaitUntil(() => b.Phone.Count >= sent * 95 / 100, BridgeHarness.Patience).ShouldBeTrue();
        // Runtime bookkeeping on the side must stay far below one byte per packet.
        windows.Min().ShouldBeLessThan(16 * 1024, $"bytes allocated in each window of 2,000 packets: {string.Join(", ", windows)}");
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
