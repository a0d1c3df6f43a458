using System.Buffers;
using System.Globalization;
using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>
/// Writes a message as bytes: the start line, each header as <c>Name: value</c> in order (known
/// headers under their long names, others as received), and the body. Content-Length is always the
/// body's length: the header is rewritten in its place, or added after the others when missing.
/// </summary>
public static class SipWriter
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private static ReadOnlySpan<byte> Version => "SIP/2.0"u8;

    private static ReadOnlySpan<byte> ContentLengthName => "Content-Length: "u8;

    /// <summary>How many bytes <see cref="Write(SipMessage, Span{byte})"/> needs, for renting a buffer.</summary>
    public static int GetByteCount(SipMessage message)
    {
        var sink = new CountingSink();
        Emit(message, ref sink);
        return sink.Count;
    }

    /// <summary>Writes the message into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than <see cref="GetByteCount"/>.</exception>
    public static int Write(SipMessage message, Span<byte> destination)
    {
        if (destination.Length < GetByteCount(message))
        {
            throw new ArgumentException("The destination is too short for the message.", nameof(destination));
        }

        var sink = new SpanSink(destination);
        Emit(message, ref sink);
        return sink.Written;
    }

    /// <summary>Writes the message to <paramref name="output"/>.</summary>
    public static void Write(SipMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var sink = new BufferWriterSink(output);
        Emit(message, ref sink);
    }

    /// <summary>The message as a new array.</summary>
    public static byte[] ToArray(SipMessage message)
    {
        var bytes = new byte[GetByteCount(message)];
        var sink = new SpanSink(bytes);
        Emit(message, ref sink);
        return bytes;
    }

    private static void Emit<TSink>(SipMessage message, ref TSink sink)
        where TSink : ISink, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case SipRequest request:
                sink.WriteText(request.Method.Name);
                sink.Write(" "u8);
                sink.WriteText(request.RequestUri.ToString());
                sink.Write(" "u8);
                sink.Write(Version);
                break;
            case SipResponse response:
                sink.Write(Version);
                sink.Write(" "u8);
                sink.WriteText(response.StatusCode.ToString("000", CultureInfo.InvariantCulture));
                sink.Write(" "u8);
                sink.WriteText(response.ReasonPhrase);
                break;
        }

        sink.Write(CrLf);
        var wroteLength = false;
        foreach (var header in message.Headers)
        {
            if (ReferenceEquals(header.Name, SipHeaderNames.ContentLength))
            {
                if (!wroteLength)
                {
                    WriteContentLength(message.Body.Length, ref sink);
                    wroteLength = true;
                }

                continue;
            }

            sink.WriteText(header.Name);
            sink.Write(": "u8);
            sink.Write(header.RawValue.Span);
            sink.Write(CrLf);
        }

        if (!wroteLength)
        {
            WriteContentLength(message.Body.Length, ref sink);
        }

        sink.Write(CrLf);
        sink.Write(message.Body.Span);
    }

    private static void WriteContentLength<TSink>(int length, ref TSink sink)
        where TSink : ISink, allows ref struct
    {
        Span<byte> digits = stackalloc byte[10];
        length.TryFormat(digits, out var count, provider: CultureInfo.InvariantCulture);
        sink.Write(ContentLengthName);
        sink.Write(digits[..count]);
        sink.Write(CrLf);
    }

    private interface ISink
    {
        public void Write(scoped ReadOnlySpan<byte> bytes);

        public void WriteText(string text);
    }

    private struct CountingSink : ISink
    {
        public int Count { get; private set; }

        public void Write(scoped ReadOnlySpan<byte> bytes) => Count += bytes.Length;

        public void WriteText(string text) => Count += Encoding.UTF8.GetByteCount(text);
    }

    private ref struct SpanSink(Span<byte> destination) : ISink
    {
        private readonly Span<byte> _destination = destination;

        public int Written { get; private set; }

        public void Write(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Written..]);
            Written += bytes.Length;
        }

        public void WriteText(string text) => Written += Encoding.UTF8.GetBytes(text, _destination[Written..]);
    }

    private readonly struct BufferWriterSink(IBufferWriter<byte> output) : ISink
    {
        public void Write(scoped ReadOnlySpan<byte> bytes) => output.Write(bytes);

        public void WriteText(string text)
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            output.Advance(Encoding.UTF8.GetBytes(text, span));
        }
    }
}
