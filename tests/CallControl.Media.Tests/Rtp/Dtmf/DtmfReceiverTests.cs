using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Rtp.Dtmf;

public sealed class DtmfReceiverTests
{
    private const uint Ssrc = 0x1234;

    private readonly DtmfReceiver _receiver = new(TimeSpan.FromMilliseconds(250));
    private readonly DtmfDigit[] _digits = new DtmfDigit[2];

    [Fact]
    public void ADigitIsReportedOnceWhenItsFirstEndPacketArrives()
    {
        Feed(1000, '5', false, 160, 0).ShouldBeEmpty();
        Feed(1000, '5', false, 320, 20).ShouldBeEmpty();

        var reported = Feed(1000, '5', true, 800, 40);

        reported.ShouldBe([new DtmfDigit('5', Ssrc, 1000, 800, EndSeen: true)]);
    }

    [Fact]
    public void TheRetransmittedEndPacketsDoNotRepeatTheDigit()
    {
        Feed(1000, '5', false, 160, 0);
        Feed(1000, '5', true, 800, 20).Length.ShouldBe(1);

        Feed(1000, '5', true, 800, 40).ShouldBeEmpty();
        Feed(1000, '5', true, 800, 60).ShouldBeEmpty();
    }

    [Fact]
    public void RepeatedUpdatesDoNotReportTheDigit()
    {
        for (var i = 0; i < 10; i++)
        {
            Feed(1000, '7', false, 160, i * 20).ShouldBeEmpty();
        }

        _receiver.Poll(TimeSpan.FromMilliseconds(200), out _).ShouldBeFalse();
    }

    [Fact]
    public void ANewTimestampIsANewDigitEvenForTheSameKey()
    {
        Feed(1000, '1', true, 800, 0).Length.ShouldBe(1);

        var second = Feed(2600, '1', true, 800, 200);

        second.ShouldBe([new DtmfDigit('1', Ssrc, 2600, 800, EndSeen: true)]);
    }

    [Fact]
    public void TheSameTimestampFromAnotherSourceIsANewDigit()
    {
        Feed(1000, '1', true, 800, 0).Length.ShouldBe(1);

        _receiver.Receive(Ssrc + 1, 1000, Payload('1', true, 800), TimeSpan.FromMilliseconds(20), _digits).ShouldBe(1);
    }

    [Fact]
    public void ADigitWhoseEndPacketsAreLostIsReportedWhenTheNextEventStarts()
    {
        Feed(1000, '3', false, 160, 0);
        Feed(1000, '3', false, 480, 40);

        var reported = Feed(2600, '4', false, 160, 200);

        reported.ShouldBe([new DtmfDigit('3', Ssrc, 1000, 480, EndSeen: false)]);
        Feed(2600, '4', true, 800, 280).ShouldBe([new DtmfDigit('4', Ssrc, 2600, 800, EndSeen: true)]);
    }

    [Fact]
    public void ALostEndAndAShortNextDigitAreBothReportedByOnePacket()
    {
        Feed(1000, '3', false, 160, 0);

        var reported = Feed(2600, '4', true, 400, 200);

        reported.Select(d => d.Key).ShouldBe(['3', '4']);
    }

    [Fact]
    public void ADigitWhoseEndPacketsAreLostIsReportedOnceAfterTheTimeout()
    {
        Feed(1000, '9', false, 160, 0);
        Feed(1000, '9', false, 320, 20);

        _receiver.Poll(TimeSpan.FromMilliseconds(269), out _).ShouldBeFalse();
        _receiver.Poll(TimeSpan.FromMilliseconds(270), out var digit).ShouldBeTrue();
        digit.ShouldBe(new DtmfDigit('9', Ssrc, 1000, 320, EndSeen: false));

        _receiver.Poll(TimeSpan.FromMilliseconds(600), out _).ShouldBeFalse();
        Feed(1000, '9', true, 800, 620).ShouldBeEmpty();
    }

    [Fact]
    public void ALateEndPacketOfThePreviousDigitIsIgnored()
    {
        Feed(1000, '1', true, 800, 0);
        Feed(2600, '2', false, 160, 200);

        Feed(1000, '1', true, 800, 210).ShouldBeEmpty();
        Feed(2600, '2', true, 800, 280).Single().Key.ShouldBe('2');
    }

    [Fact]
    public void TimestampsThatWrapStillCountAsNewer()
    {
        Feed(uint.MaxValue - 100, '1', true, 800, 0).Length.ShouldBe(1);

        Feed(1500, '2', true, 800, 200).Single().Key.ShouldBe('2');
    }

    [Fact]
    public void NonDigitEventsAndShortPayloadsAreIgnored()
    {
        _receiver.Receive(Ssrc, 1000, [16, 0x8A, 0x03, 0x20], TimeSpan.Zero, _digits).ShouldBe(0);
        _receiver.Receive(Ssrc, 1000, [5, 0x8A], TimeSpan.Zero, _digits).ShouldBe(0);
        _receiver.Poll(TimeSpan.FromSeconds(1), out _).ShouldBeFalse();
    }

    [Fact]
    public void ADestinationWithoutRoomForTwoDigitsIsRefused()
    {
        Should.Throw<ArgumentException>(() => _receiver.Receive(Ssrc, 1000, Payload('1', true, 800), TimeSpan.Zero, new DtmfDigit[1]));
    }

    [Fact]
    public void TheSendersPacketsAreReceivedAsTheSameDigitsEachOnce()
    {
        var sender = new DtmfSender("12#", TimeSpan.Zero, 5000);
        var payload = new byte[DtmfEvent.Size];
        var keys = new List<char>();
        for (var now = TimeSpan.Zero; !sender.IsComplete; now += TimeSpan.FromMilliseconds(20))
        {
            while (sender.TryNext(now, out var packet))
            {
                packet.Event.WriteTo(payload);
                var count = _receiver.Receive(Ssrc, packet.Timestamp, payload, now, _digits);
                keys.AddRange(_digits.Take(count).Select(d => d.Key));
            }
        }

        keys.ShouldBe(['1', '2', '#']);
    }

    private DtmfDigit[] Feed(uint timestamp, char key, bool end, ushort duration, int atMilliseconds)
    {
        var count = _receiver.Receive(Ssrc, timestamp, Payload(key, end, duration), TimeSpan.FromMilliseconds(atMilliseconds), _digits);
        return _digits[..count];
    }

    private static byte[] Payload(char key, bool end, ushort duration)
    {
        DtmfEvent.TryGetCode(key, out var code);
        var payload = new byte[DtmfEvent.Size];
        new DtmfEvent(code, end, 10, duration).WriteTo(payload);
        return payload;
    }
}
