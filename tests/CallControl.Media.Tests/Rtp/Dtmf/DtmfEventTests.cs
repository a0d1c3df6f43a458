using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Rtp.Dtmf;

public sealed class DtmfEventTests
{
    [Fact]
    public void AnEndBlockReadsItsCodeEndBitVolumeAndDuration()
    {
        byte[] payload = [0x0B, 0x8A, 0x03, 0x20];

        DtmfEvent.TryRead(payload, out var dtmfEvent).ShouldBeTrue();

        dtmfEvent.ShouldBe(new DtmfEvent(11, End: true, Volume: 10, Duration: 800));
        dtmfEvent.Key.ShouldBe('#');
    }

    [Fact]
    public void TheReservedBitIsIgnoredOnReading()
    {
        byte[] payload = [0x05, 0x40 | 0x07, 0x00, 0xA0];

        DtmfEvent.TryRead(payload, out var dtmfEvent).ShouldBeTrue();

        dtmfEvent.ShouldBe(new DtmfEvent(5, End: false, Volume: 7, Duration: 160));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void APayloadShorterThanOneBlockIsNotRead(int length)
    {
        DtmfEvent.TryRead(new byte[length], out _).ShouldBeFalse();
    }

    [Fact]
    public void WritingThenReadingGivesTheSameEvent()
    {
        var original = new DtmfEvent(15, End: true, Volume: 63, Duration: 65535);
        var buffer = new byte[DtmfEvent.Size];

        original.WriteTo(buffer).ShouldBe(4);
        DtmfEvent.TryRead(buffer, out var read).ShouldBeTrue();

        read.ShouldBe(original);
        buffer[1].ShouldBe((byte)0xBF);
    }

    [Theory]
    [InlineData('0', 0)]
    [InlineData('9', 9)]
    [InlineData('*', 10)]
    [InlineData('#', 11)]
    [InlineData('A', 12)]
    [InlineData('d', 15)]
    public void KeysMapToTheirEventCodes(char key, int code)
    {
        DtmfEvent.TryGetCode(key, out var actual).ShouldBeTrue();
        actual.ShouldBe((byte)code);
        new DtmfEvent(actual, false, 0, 0).Key.ShouldBe(char.ToUpperInvariant(key));
    }

    [Fact]
    public void EventsAbove15AreNotDigits()
    {
        new DtmfEvent(16, false, 0, 0).IsDigit.ShouldBeFalse();
        DtmfEvent.TryGetCode('E', out _).ShouldBeFalse();
    }
}
