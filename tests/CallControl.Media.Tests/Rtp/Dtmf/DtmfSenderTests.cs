using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Rtp.Dtmf;

public sealed class DtmfSenderTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(3);

    [Fact]
    public void OneDigitIsUpdatesWithGrowingDurationThenThreeEndPackets()
    {
        var packets = Drain(new DtmfSender("5", Start, 1000));

        packets.Select(p => p.Packet.Event.Duration).ShouldBe([(ushort)160, (ushort)320, (ushort)480, (ushort)640, (ushort)800, (ushort)800, (ushort)800]);
        packets.Select(p => p.Packet.Event.End).ShouldBe([false, false, false, false, true, true, true]);
        packets.ShouldAllBe(p => p.Packet.Timestamp == 1000 && p.Packet.Event.Code == 5 && p.Packet.Event.Volume == 10);
    }

    [Fact]
    public void OnlyTheFirstPacketOfAnEventCarriesTheMarker()
    {
        var packets = Drain(new DtmfSender("12", Start, 1000));

        packets.Select(p => p.Packet.Marker).ShouldBe([true, false, false, false, false, false, false, true, false, false, false, false, false, false]);
    }

    [Fact]
    public void PacketsAreDueEvery20MillisecondsWithAGapBetweenDigits()
    {
        var packets = Drain(new DtmfSender("12", Start, 1000));

        var offsets = packets.Select(p => (int)(p.At - Start).TotalMilliseconds).ToArray();
        offsets.ShouldBe([0, 20, 40, 60, 80, 100, 120, 200, 220, 240, 260, 280, 300, 320]);
    }

    [Fact]
    public void EachDigitTakesTheRtpTimestampOfItsStart()
    {
        var packets = Drain(new DtmfSender("1#", Start, uint.MaxValue - 100));

        packets.Take(7).ShouldAllBe(p => p.Packet.Timestamp == uint.MaxValue - 100);
        packets.Skip(7).ShouldAllBe(p => p.Packet.Timestamp == unchecked(uint.MaxValue - 100 + 1600));
        packets.Skip(7).ShouldAllBe(p => p.Packet.Event.Code == 11);
    }

    [Fact]
    public void NothingIsHandedOutBeforeItIsDue()
    {
        var sender = new DtmfSender("1", Start, 0);

        sender.TryNext(Start - TimeSpan.FromMilliseconds(1), out _).ShouldBeFalse();
        sender.TryNext(Start, out _).ShouldBeTrue();
        sender.TryNext(Start + TimeSpan.FromMilliseconds(19), out _).ShouldBeFalse();
    }

    [Fact]
    public void ALateClockGetsTheMissedPacketsInOrder()
    {
        var sender = new DtmfSender("1", Start, 0);
        var durations = new List<ushort>();

        while (sender.TryNext(Start + TimeSpan.FromMilliseconds(50), out var packet))
        {
            durations.Add(packet.Event.Duration);
        }

        durations.ShouldBe([(ushort)160, (ushort)320, (ushort)480]);
    }

    [Fact]
    public void AnEmptyStringIsCompleteAtOnce()
    {
        var sender = new DtmfSender("", Start, 0);

        sender.IsComplete.ShouldBeTrue();
        sender.TryNext(Start, out _).ShouldBeFalse();
    }

    [Fact]
    public void ALongerToneHasMoreUpdates()
    {
        var packets = Drain(new DtmfSender("0", Start, 0, toneDuration: TimeSpan.FromMilliseconds(200)));

        packets.Count.ShouldBe(9 + 3);
        packets[^1].Packet.Event.Duration.ShouldBe((ushort)1600);
    }

    [Theory]
    [InlineData("12x")]
    [InlineData("E")]
    [InlineData(" ")]
    public void AStringWithANonDtmfKeyIsRefused(string digits)
    {
        Should.Throw<ArgumentException>(() => new DtmfSender(digits, Start, 0));
    }

    [Fact]
    public void AGapTooShortForTheEndPacketsIsRefused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new DtmfSender("1", Start, 0, gap: TimeSpan.FromMilliseconds(20)));
    }

    private static List<(TimeSpan At, DtmfPacket Packet)> Drain(DtmfSender sender)
    {
        var packets = new List<(TimeSpan, DtmfPacket)>();
        for (var now = Start; !sender.IsComplete; now += TimeSpan.FromMilliseconds(20))
        {
            while (sender.TryNext(now, out var packet))
            {
                packets.Add((now, packet));
            }
        }

        return packets;
    }
}
