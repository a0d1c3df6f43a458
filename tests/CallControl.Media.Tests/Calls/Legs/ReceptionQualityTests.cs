using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class ReceptionQualityTests
{
    [Fact]
    public void APhoneDroppingEveryTwentiethPacketShowsAboutFivePercentLoss()
    {
        using var harness = new LegHarness();
        var sent = 0;
        for (var n = 0; n < 400; n++)
        {
            if (n % 20 == 19)
            {
                continue;
            }

            harness.SendFromPhone((ushort)(65400 + n), (uint)(160 * n), 7);
            sent++;
            if (sent % 50 == 0)
            {
                // Paced so the loopback buffer never drops packets of its own.
                var arrived = sent - 1;
                Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().PacketsReceived >= arrived, TimeSpan.FromSeconds(10)).ShouldBeTrue();
            }
        }

        // The first packet only starts probation and is not counted; the sequence number wraps on the way.
        Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().PacketsReceived == 379, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        var quality = harness.Leg.QualityAtEnd();

        quality.LossPercent.ShouldBe(19.0 / 398 * 100, tolerance: 0.01);
        quality.LossPercent.ShouldBeInRange(4.5, 5.5);
        quality.RoundTripMilliseconds.ShouldBeNull();
        quality.Mos.ShouldBeInRange(1.0, 4.5);
    }
}
