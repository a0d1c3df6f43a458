using System.Globalization;
using System.Text;

namespace CallControl.Testing;

/// <summary>
/// Netstrings (<c>LENGTH:PAYLOAD,</c>, LENGTH in decimal without leading zeros), the framing of baresip's
/// <c>ctrl_tcp</c> control channel in both directions.
/// </summary>
public static class Netstring
{
    /// <summary>The longest payload accepted; baresip's messages are a few kilobytes at most.</summary>
    public const int MaxPayloadLength = 1 << 20;

    // Enough digits for MaxPayloadLength; more can only be a malformed length.
    private const int MaxLengthDigits = 7;

    /// <summary>
    /// Reads the netstring at the start of <paramref name="buffer"/>. Returns false when the buffer holds only
    /// part of one, so the caller waits for more bytes.
    /// </summary>
    /// <param name="buffer">Received bytes, starting at a netstring's first byte.</param>
    /// <param name="payload">Where the payload lies in <paramref name="buffer"/>.</param>
    /// <param name="consumed">The netstring's whole length, header and trailing comma included.</param>
    /// <exception cref="NetstringFormatException">The bytes cannot be the start of a netstring.</exception>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out Range payload, out int consumed)
    {
        payload = default;
        consumed = 0;

        var length = 0;
        var digits = 0;
        while (true)
        {
            if (digits == buffer.Length)
            {
                return false;
            }

            var current = buffer[digits];
            if (current == (byte)':')
            {
                break;
            }

            if (current is < (byte)'0' or > (byte)'9')
            {
                throw new NetstringFormatException($"Byte 0x{current:X2} where a length digit or ':' was expected.");
            }

            if (digits == 1 && buffer[0] == (byte)'0')
            {
                throw new NetstringFormatException("The length has a leading zero.");
            }

            if (digits == MaxLengthDigits)
            {
                throw new NetstringFormatException($"The length has more than {MaxLengthDigits} digits.");
            }

            length = (length * 10) + (current - '0');
            digits++;
        }

        if (digits == 0)
        {
            throw new NetstringFormatException("The netstring has no length before ':'.");
        }

        if (length > MaxPayloadLength)
        {
            throw new NetstringFormatException($"The length {length} is over the limit of {MaxPayloadLength}.");
        }

        var start = digits + 1;
        var end = start + length;
        if (buffer.Length <= end)
        {
            return false;
        }

        if (buffer[end] != (byte)',')
        {
            throw new NetstringFormatException($"Byte 0x{buffer[end]:X2} where the closing ',' was expected.");
        }

        payload = new Range(start, end);
        consumed = end + 1;
        return true;
    }

    /// <summary>Frames <paramref name="payload"/> as one netstring.</summary>
    public static byte[] Encode(string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var header = Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture) + ":");
        var framed = new byte[header.Length + body.Length + 1];
        header.CopyTo(framed, 0);
        body.CopyTo(framed, header.Length);
        framed[^1] = (byte)',';
        return framed;
    }
}
