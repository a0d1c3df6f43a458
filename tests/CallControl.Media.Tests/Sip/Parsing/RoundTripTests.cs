using System.Buffers;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using FsCheck;
using FsCheck.Fluent;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>Generated messages written and read back are the same messages, whatever form the headers take on the wire.</summary>
public sealed class RoundTripTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly (string Long, string Compact)[] CompactForms =
    [
        ("Via", "v"), ("From", "f"), ("To", "t"), ("Call-ID", "i"), ("Contact", "m"), ("Content-Length", "l"), ("Content-Type", "c"),
    ];

    [Fact]
    public void AGeneratedRequestWrittenAndParsedIsTheSameRequest() =>
        Prop.ForAll(Arb.From(SipGenerators.Request), (SipRequest request) =>
        {
            var parsed = Parse(SipWriter.ToArray(request)).ShouldBeOfType<SipRequest>();

            parsed.ShouldBe(request);
            parsed.Method.ShouldBe(request.Method);
            parsed.RequestUri.ShouldBe(request.RequestUri);
            parsed.Vias.ShouldBe(request.Vias);
            parsed.From.ShouldBe(request.From);
            parsed.To.ShouldBe(request.To);
            parsed.CSeq.ShouldBe(request.CSeq);
            parsed.Contacts.ShouldBe(request.Contacts);
            parsed.Routes.ShouldBe(request.Routes);
            parsed.Body.ToArray().ShouldBe(request.Body.ToArray());
        }).Check(Runs);

    [Fact]
    public void AGeneratedResponseWrittenAndParsedIsTheSameResponse() =>
        Prop.ForAll(Arb.From(SipGenerators.Response), (SipResponse response) =>
        {
            var parsed = Parse(SipWriter.ToArray(response)).ShouldBeOfType<SipResponse>();

            parsed.ShouldBe(response);
            parsed.StatusCode.ShouldBe(response.StatusCode);
            parsed.ReasonPhrase.ShouldBe(response.ReasonPhrase);
            parsed.To.ShouldBe(response.To);
        }).Check(Runs);

    [Fact]
    public void CompactNamesOddCaseAndFoldedLinesReadAsTheMessageThatWasWritten()
    {
        var variants =
            from request in SipGenerators.Request
            from compact in Gen.ArrayOf(Gen.Elements(false, true), CompactForms.Length)
            from upper in Gen.Elements(false, true)
            from folds in Gen.ArrayOf(Gen.Choose(0, 1000), 6)
            from tab in Gen.Elements(false, true)
            select (request, Reshape(SipWriter.ToArray(request), compact, upper, folds, tab));

        Prop.ForAll(Arb.From(variants), ((SipRequest Request, byte[] Bytes) variant) =>
            Parse(variant.Bytes).ShouldBe(variant.Request, Encoding.UTF8.GetString(variant.Bytes))).Check(Runs);
    }

    [Fact]
    public void SeveralMessagesOnOneStreamAreReadBackInOrder()
    {
        var batches = Gen.NonEmptyListOf(Gen.OneOf(SipGenerators.Request.Select(r => (SipMessage)r), SipGenerators.Response.Select(r => (SipMessage)r)));

        Prop.ForAll(Arb.From(batches), messages =>
        {
            var input = ParsingHelpers.Segmented([.. messages.SelectMany(SipWriter.ToArray)], 97);
            foreach (var expected in messages)
            {
                SipParser.TryParse(input, SipFraming.Stream, out var message, out var consumed, out var error)
                    .ShouldBe(SipParseStatus.Complete, error?.Detail);
                message.ShouldBe(expected);
                input = input.Slice(consumed);
            }

            input.Length.ShouldBe(0);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void TheBufferWriterAndSpanWritersProduceTheSameBytesAsToArray() =>
        Prop.ForAll(Arb.From(SipGenerators.Response), (SipResponse response) =>
        {
            var expected = SipWriter.ToArray(response);
            var output = new ArrayBufferWriter<byte>(1);
            SipWriter.Write(response, output);
            var span = new byte[SipWriter.GetByteCount(response) + 10];
            var written = SipWriter.Write(response, span);

            output.WrittenSpan.ToArray().ShouldBe(expected);
            span[..written].ShouldBe(expected);
        }).Check(Runs);

    private static SipMessage Parse(byte[] bytes)
    {
        var result = SipParser.Parse(bytes);
        result.Status.ShouldBe(SipParseStatus.Complete, $"{result.Error?.Kind} {result.Error?.Detail}\n{Encoding.UTF8.GetString(bytes)}");
        return result.Message!;
    }

    /// <summary>
    /// Rewrites the header block: some long names become compact, known names may change case, and
    /// some single spaces inside values become a line break plus a space or tab (a fold).
    /// </summary>
    private static byte[] Reshape(byte[] message, bool[] compact, bool upper, int[] folds, bool tab)
    {
        var text = Encoding.UTF8.GetString(message);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var firstLineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var lines = text[(firstLineEnd + 2)..headEnd].Split("\r\n");
        for (var i = 0; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            var name = lines[i][..colon];
            var value = lines[i][(colon + 1)..];
            var form = Array.FindIndex(CompactForms, f => f.Long == name);
            if (form >= 0 && compact[form])
            {
                name = CompactForms[form].Compact;
            }
            else if (form >= 0 && upper)
            {
                name = name.ToUpperInvariant();
            }

            lines[i] = name + ":" + Fold(value, folds, tab);
        }

        var head = text[..(firstLineEnd + 2)] + string.Join("\r\n", lines);
        return [.. Encoding.UTF8.GetBytes(head), .. message.AsSpan(Encoding.UTF8.GetByteCount(text[..headEnd]))];
    }

    private static string Fold(string value, int[] folds, bool tab)
    {
        var text = new StringBuilder(value);
        foreach (var fold in folds)
        {
            var at = 1 + fold % Math.Max(1, value.Length);
            // A fold and the whitespace after it read as one space, so only a space with no whitespace after it is folded.
            if (at < text.Length - 1 && text[at] == ' ' && text[at + 1] is not (' ' or '\t' or '\r') && text[at - 1] != '\n')
            {
                text.Remove(at, 1).Insert(at, tab ? "\r\n\t" : "\r\n ");
            }
        }

        return text.ToString();
    }
}
