using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Dtmf;

/// <summary>
/// One RFC 4733 telephone-event payload block: the event code, the end bit, the volume (0 to 63, in -dBm0)
/// and the duration in RTP timestamp units since the event's timestamp.
/// </summary>
public readonly record struct DtmfEvent(byte Code, bool End, byte Volume, ushort Duration)
{
    /// <summary>Bytes of one payload block on the wire.</summary>
    public const int Size = 4;

    private const string Keys = "0123456789*#ABCD";

    /// <summary>True for the sixteen DTMF events (codes 0 to 15); other telephone events are not digits.</summary>
    public bool IsDigit => Code < Keys.Length;

    /// <summary>The key the event stands for; only meaningful when <see cref="IsDigit"/>.</summary>
    public char Key => IsDigit ? Keys[Code] : '\0';

    /// <summary>The event code of a key (0-9, *, #, A-D; letters in either case).</summary>
    public static bool TryGetCode(char key, out byte code)
    {
        var index = Keys.IndexOf(char.ToUpperInvariant(key));
        code = (byte)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>
    /// Reads the first block of a payload. Redundant blocks (RFC 2198) are not expected here, so only the first is read.
    /// </summary>
    /// <returns>False when the payload is shorter than one block.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out DtmfEvent dtmfEvent)
    {
        if (payload.Length < Size)
        {
            dtmfEvent = default;
            return false;
        }

        dtmfEvent = new DtmfEvent(
            payload[0],
            (payload[1] & 0x80) != 0,
            (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    /// <summary>Writes the block (the reserved bit as zero) and returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A telephone-event block needs {Size} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[0] = Code;
        destination[1] = (byte)((End ? 0x80 : 0x00) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        return Size;
    }
}
