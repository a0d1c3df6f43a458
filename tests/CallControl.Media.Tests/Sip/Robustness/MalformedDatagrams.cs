using System.Text;

namespace CallControl.Media.Tests.Sip.Robustness;

/// <summary>What a malformed datagram of the flood is made of.</summary>
public enum MalformedKind
{
    RandomBytes,
    TruncatedInvite,
    Oversized,
    BrokenHeader,
    Mutated,
}

/// <summary>
/// Malformed SIP datagrams from a seeded generator, each kind in turn: random bytes, valid INVITEs cut short,
/// datagrams at UDP's size ceiling, requests with one header broken, and valid messages with random edits.
/// Every message has its own Call-ID and branch, so whatever parses makes a new transaction (the worst case
/// for the tables), and names the sender's port in Via and Contact, so every answer goes back to the sender.
/// </summary>
public sealed class MalformedDatagrams(int seed, int senderPort)
{
    /// <summary>The largest UDP payload IPv4 carries; the transport's 64 KiB limit cannot be passed in one datagram.</summary>
    public const int UdpCeiling = 65_507;

    private static readonly MalformedKind[] Kinds = Enum.GetValues<MalformedKind>();

    private static readonly Func<string, string>[] HeaderBreakers =
    [
        m => m.Replace("Content-Length: 121", "Content-Length: abc", StringComparison.Ordinal),
        m => m.Replace("Content-Length: 121", "Content-Length: -5", StringComparison.Ordinal),
        m => m.Replace("Content-Length: 121", "Content-Length: 99999999999999999999999", StringComparison.Ordinal),
        m => m.Replace("Content-Length: 121", "Content-Length: 4000", StringComparison.Ordinal),
        m => m.Replace(";branch=", ";brunch=", StringComparison.Ordinal),
        m => m.Replace("Via: SIP/2.0/UDP", "Via: SIP/2.0/UDP@@", StringComparison.Ordinal),
        m => m.Replace("CSeq: 1 INVITE", "CSeq: 1 BYE", StringComparison.Ordinal),
        m => m.Replace("CSeq: 1 INVITE", "CSeq: x INVITE", StringComparison.Ordinal),
        m => m.Replace("CSeq: 1 INVITE", "CSeq: 4294967296 INVITE", StringComparison.Ordinal),
        m => Remove(m, "Call-ID:"),
        m => Remove(m, "From:"),
        m => Remove(m, "Via:"),
        m => m.Replace("Max-Forwards: 70", "Max-Forwards 70", StringComparison.Ordinal),
        m => m.Replace("Max-Forwards: 70", "Max-Forwards: -1", StringComparison.Ordinal),
        m => m.Replace("SIP/2.0\r\n", "SIP/7.0\r\n", StringComparison.Ordinal),
        m => m.Replace("INVITE sip:", "INVITE sip:@:", StringComparison.Ordinal),
        m => m.Replace("INVITE sip:", "INV\0ITE sip:", StringComparison.Ordinal),
        m => m.Replace("To: <sip:", "To: \"unterminated <sip:", StringComparison.Ordinal),
        m => m.Replace("From: <sip:", "From: <sip:flood@[::1", StringComparison.Ordinal),
        m => m.Replace("Max-Forwards: 70\r\n", "\r\n Max-Forwards: 70\r\n", StringComparison.Ordinal),
        m => m.Replace("Max-Forwards: 70\r\n", string.Concat(Enumerable.Repeat("Route: <sip:a;lr>\r\n", 400)), StringComparison.Ordinal),
        m => m.Replace("v=0", "v=9\r\nm=audio -1 RTP/AVP x", StringComparison.Ordinal),
        m => m.Replace("\r\n\r\n", "\r\n", StringComparison.Ordinal),
    ];

    private readonly Random _random = new(seed);
    private long _count;

    /// <summary>The next datagram and what kind it is.</summary>
    public (MalformedKind Kind, byte[] Bytes) Next()
    {
        var kind = Kinds[_count++ % Kinds.Length];
        return (kind, kind switch
        {
            MalformedKind.RandomBytes => RandomBytes(_random.Next(1, 1500)),
            MalformedKind.TruncatedInvite => Truncated(),
            MalformedKind.Oversized => Oversized(),
            MalformedKind.BrokenHeader => Encoding.UTF8.GetBytes(HeaderBreakers[_random.Next(HeaderBreakers.Length)](Invite())),
            _ => Mutated(),
        });
    }

    /// <summary>A valid INVITE with an SDP offer (121 bytes), fresh identifiers each time.</summary>
    public string Invite()
    {
        var id = _random.NextInt64();
        return $"""
            INVITE sip:service@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{senderPort};branch=z9hG4bK{id:x};rport
            Max-Forwards: 70
            From: <sip:flood@127.0.0.1:{senderPort}>;tag={id:x}
            To: <sip:service@127.0.0.1>
            Call-ID: {id:x}@flood.invalid
            CSeq: 1 INVITE
            Contact: <sip:flood@127.0.0.1:{senderPort}>
            Content-Type: application/sdp
            Content-Length: 121

            v=0
            o=- 1 1 IN IP4 127.0.0.1
            s=-
            c=IN IP4 127.0.0.1
            t=0 0
            m=audio 9000 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            a=sendrecv

            """.ReplaceLineEndings("\r\n");
    }

    private string Valid() => _random.Next(4) switch
    {
        0 => Invite(),
        1 => Request("OPTIONS", tag: null),
        2 => Request("BYE", tag: "x"),
        _ => $"""
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 127.0.0.1:{senderPort};branch=z9hG4bK{_random.NextInt64():x}
            From: <sip:flood@127.0.0.1>;tag=a
            To: <sip:service@127.0.0.1>;tag=b
            Call-ID: {_random.NextInt64():x}@flood.invalid
            CSeq: 1 INVITE
            Content-Length: 0


            """.ReplaceLineEndings("\r\n"),
    };

    private string Request(string method, string? tag)
    {
        var id = _random.NextInt64();
        var toTag = tag is null ? string.Empty : $";tag={tag}";
        return $"""
            {method} sip:service@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{senderPort};branch=z9hG4bK{id:x}
            Max-Forwards: 70
            From: <sip:flood@127.0.0.1>;tag={id:x}
            To: <sip:service@127.0.0.1>{toTag}
            Call-ID: {id:x}@flood.invalid
            CSeq: 7 {method}
            Content-Length: 0


            """.ReplaceLineEndings("\r\n");
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Truncated()
    {
        var invite = Encoding.UTF8.GetBytes(Invite());
        return invite[.._random.Next(1, invite.Length)];
    }

    /// <summary>From 8 KiB to UDP's ceiling: a valid head with a huge header, a body past its Content-Length, or noise.</summary>
    private byte[] Oversized()
    {
        var size = _random.Next(8 * 1024, UdpCeiling + 1);
        return _random.Next(3) switch
        {
            0 => Encoding.UTF8.GetBytes(Invite().Replace("Max-Forwards: 70", "X-Pad: " + new string('a', size - 700), StringComparison.Ordinal)),
            1 => [.. Encoding.UTF8.GetBytes(Invite()), .. RandomBytes(size - 700)],
            _ => RandomBytes(size),
        };
    }

    /// <summary>A valid message with one to eight random edits: flipped bytes, deletions, insertions, repeats.</summary>
    private byte[] Mutated()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(Valid()));
        for (var edits = _random.Next(1, 9); edits > 0 && bytes.Count > 1; edits--)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(4))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(_random.Next(1, 16), bytes.Count - at));
                    break;
                case 2:
                    bytes.InsertRange(at, RandomBytes(_random.Next(1, 16)));
                    break;
                default:
                    var length = Math.Min(_random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return [.. bytes];
    }

    private static string Remove(string message, string header)
    {
        var start = message.IndexOf(header, StringComparison.Ordinal);
        var end = message.IndexOf("\r\n", start, StringComparison.Ordinal);
        return message.Remove(start, end + 2 - start);
    }
}
