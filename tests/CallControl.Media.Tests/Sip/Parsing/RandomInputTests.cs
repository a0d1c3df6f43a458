using System.Buffers;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using FsCheck;
using FsCheck.Fluent;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>Whatever arrives, the parser answers with a status and the matching outputs, never an exception.</summary>
public sealed class RandomInputTests
{
    private static readonly byte[][] Seeds =
        [.. TortureMessages.Valid.Values, .. InvalidTortureMessages.All.Select(c => c.Bytes)];

    private static readonly byte[] Interesting = "\r\n \t:;,<>\"\\@%[]/=?&*0123456789sSiIpP"u8.ToArray();

    [Fact]
    public void RandomBytesGetAnOutcomeAndNeverAnException()
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i))), IsConsistentEverywhere)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void MutatedTortureMessagesGetAnOutcomeAndNeverAnException()
    {
        var mutations =
            from seed in Gen.Elements(Seeds)
            from count in Gen.Choose(1, 8)
            from edits in Gen.ArrayOf(Edit(seed.Length), count)
            select Apply(seed, edits);

        Prop.ForAll(Arb.From(mutations), IsConsistentEverywhere)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void AMessageThatParsesAfterMutationWritesBackToTheSameMessageWithItsContentLength()
    {
        var mutations =
            from seed in Gen.Elements(TortureMessages.Valid.Values.ToArray())
            from edits in Gen.ArrayOf(Edit(seed.Length), 1)
            select Apply(seed, edits);

        Prop.ForAll(Arb.From(mutations), (byte[] bytes) =>
        {
            if (SipParser.Parse(bytes) is { Status: SipParseStatus.Complete, Message: { } message })
            {
                var written = SipWriter.ToArray(message);
                var again = SipParser.Parse(written).Message.ShouldNotBeNull(Encoding.UTF8.GetString(bytes));
                again.RemoveHeader(SipHeaderNames.ContentLength).ShouldBe(message.RemoveHeader(SipHeaderNames.ContentLength));
                SipWriter.ToArray(again).ShouldBe(written);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    private static bool IsConsistentEverywhere(byte[] bytes) =>
        IsConsistent(SipParser.Parse(bytes), datagram: true)
        && IsConsistent(SipFraming.Stream, new ReadOnlySequence<byte>(bytes))
        && IsConsistent(SipFraming.Datagram, ParsingHelpers.Segmented(bytes, 3));

    private static bool IsConsistent(SipFraming framing, ReadOnlySequence<byte> input)
    {
        var status = SipParser.TryParse(input, framing, out var message, out var consumed, out var error);
        var consumedLength = input.Slice(0, consumed).Length;
        return IsConsistent(new SipParseResult(status, message, error), framing == SipFraming.Datagram)
            && consumedLength <= input.Length;
    }

    private static bool IsConsistent(SipParseResult result, bool datagram) => result.Status switch
    {
        SipParseStatus.Complete => result.Message is not null && result.Error is null && WritesWithoutThrowing(result.Message),
        SipParseStatus.Invalid => result.Message is null && result.Error is not null && RespondsWithoutThrowing(result.Error),
        _ => !datagram && result.Message is null && result.Error is null,
    };

    private static bool WritesWithoutThrowing(SipMessage message) => SipWriter.ToArray(message).Length > 0;

    private static bool RespondsWithoutThrowing(SipParseError error) =>
        error.CreateResponse("x") is not { } response || SipWriter.ToArray(response).Length > 0;

    private static Gen<(int Position, int Kind, byte Value)> Edit(int length) =>
        from position in Gen.Choose(0, Math.Max(0, length - 1))
        from kind in Gen.Choose(0, 3)
        from value in Gen.OneOf(Gen.Elements(Interesting), Gen.Choose(0, 255).Select(i => (byte)i))
        select (position, kind, value);

    private static byte[] Apply(byte[] seed, (int Position, int Kind, byte Value)[] edits)
    {
        var bytes = seed.ToList();
        foreach (var (position, kind, value) in edits)
        {
            var at = Math.Min(position, Math.Max(0, bytes.Count - 1));
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.InsertRange(at, [value, value, value]);
                    break;
            }
        }

        return [.. bytes];
    }
}
