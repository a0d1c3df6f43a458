using CallControl.Media.Calls.Relay;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Relay;

/// <summary>Measures the whole process, so it shares the collection that runs with no other test alongside.</summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class RtpRelayAllocationTests
{
    [Fact]
    public void RelayingInSteadyStateAllocatesAlmostNothingPerPacket()
    {
        using var legA = Loopback.BindPair();
        using var legB = Loopback.BindPair();
        using var phoneA = new Phone(legA.Rtp.LocalEndPoint) { Keeps = false };
        using var phoneB = new Phone(legB.Rtp.LocalEndPoint) { Keeps = false };
        legA.Rtp.SetRemote(phoneA.EndPoint, SymmetricRtp.Off);
        legB.Rtp.SetRemote(phoneB.EndPoint, SymmetricRtp.Off);
        var relay = new RtpRelay(legA.Rtp, legB.Rtp);
        var sent = 0;
        var arrived = () => relay.Counters(RelaySide.A).Received >= sent;

        Exchange(phoneA, ref sent, 500, arrived);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Exchange(phoneA, ref sent, 2000, arrived);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        relay.Stop();

        relay.Counters(RelaySide.A).Relayed.ShouldBe(2500);
        Loopback.WaitUntil(() => phoneB.Count >= 2375, TimeSpan.FromSeconds(10)).ShouldBeTrue();
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
                Loopback.WaitUntil(arrived, TimeSpan.FromSeconds(10)).ShouldBeTrue();
            }
        }

        Loopback.WaitUntil(arrived, TimeSpan.FromSeconds(10)).ShouldBeTrue();
    }
}
