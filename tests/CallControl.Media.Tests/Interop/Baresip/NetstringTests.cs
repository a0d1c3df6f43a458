using System.Text;
using CallControl.Testing;

namespace CallControl.Media.Tests.Interop.Baresip;

/// <summary>The framing of baresip's ctrl_tcp channel, read as the fixture reads it.</summary>
public sealed class NetstringTests
{
    private const string Response = """{"response":true,"ok":true,"data":"","token":"1"}""";

    [Fact]
    public void AWholeNetstringGivesItsPayloadAndLength()
    {
        var framed = Netstring.Encode(Response);

        Netstring.TryRead(framed, out var payload, out var consumed).ShouldBeTrue();

        Encoding.UTF8.GetString(framed.AsSpan()[payload]).ShouldBe(Response);
        consumed.ShouldBe(framed.Length);
        Encoding.ASCII.GetString(framed).ShouldStartWith($"{Response.Length}:");
    }

    [Fact]
    public void EveryTruncationOfANetstringIsIncomplete()
    {
        var framed = Netstring.Encode(Response);

        for (var length = 0; length < framed.Length; length++)
        {
            Netstring.TryRead(framed.AsSpan(0, length), out _, out var consumed).ShouldBeFalse($"prefix of {length} bytes");
            consumed.ShouldBe(0);
        }
    }

    [Fact]
    public void BackToBackNetstringsAreReadOneAtATime()
    {
        byte[] stream = [.. Netstring.Encode("first"), .. Netstring.Encode("second")];

        Netstring.TryRead(stream, out var first, out var consumed).ShouldBeTrue();
        Netstring.TryRead(stream.AsSpan(consumed), out var second, out _).ShouldBeTrue();

        Encoding.ASCII.GetString(stream.AsSpan()[first]).ShouldBe("first");
        Encoding.ASCII.GetString(stream.AsSpan(consumed)[second]).ShouldBe("second");
    }

    [Fact]
    public void AnEmptyPayloadIsAllowed()
    {
        Netstring.TryRead("0:,"u8, out var payload, out var consumed).ShouldBeTrue();

        payload.GetOffsetAndLength(3).Length.ShouldBe(0);
        consumed.ShouldBe(3);
    }

    [Theory]
    [InlineData("x:")]
    [InlineData(":,")]
    [InlineData("01:a,")]
    [InlineData("3:abc;")]
    [InlineData("12345678:")]
    [InlineData("9999999:")]
    public void MalformedNetstringsAreRejected(string input)
    {
        Should.Throw<NetstringFormatException>(() => Netstring.TryRead(Encoding.ASCII.GetBytes(input), out _, out _));
    }
}
