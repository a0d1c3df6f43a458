using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>
/// The RFC 4475 and RFC 5118 cases a parser must reject, written for this suite from each case's
/// description, with the rejection expected and whether a 4xx/5xx can still be sent (the RFC asks
/// for one when the request's Via, From, To, Call-ID and CSeq are readable).
/// </summary>
internal static class InvalidTortureMessages
{
    public sealed record Case(string Name, byte[] Bytes, SipParseErrorKind Kind, bool CanRespond, string? HeaderName = null)
    {
        public override string ToString() => Name;
    }

    private const string SmallSdp = """
        v=0
        o=mhandley 29739 7272939 IN IP4 192.0.2.15
        s=-
        c=IN IP4 192.0.2.15
        t=0 0
        m=audio 49217 RTP/AVP 0
        """;

    public static readonly IReadOnlyList<Case> All =
    [
        // 3.1.2.1: empty parameters and list items (";;,;,,") in Via, From and Contact.
        new("badinv01", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            To: sip:j.user@example.com
            From: sip:caller@example.net;;tag=134161461246
            Max-Forwards: 7
            Call-ID: badinv01.0ha0isndaksdjasdf3234nas
            CSeq: 8 INVITE
            Via: SIP/2.0/UDP 192.0.2.15;;,;,,
            Contact: "Joe" <sip:joe@example.org>;;;;
            Content-Length: $LEN$
            Content-Type: application/sdp
            """, SmallSdp), SipParseErrorKind.BadHeaderValue, CanRespond: true, "From"),

        // 3.1.2.2: Content-Length larger than what the datagram holds.
        new("clerr", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            Max-Forwards: 80
            To: sip:j.user@example.com
            From: sip:caller@example.net;tag=93942939o2
            Contact: <sip:caller@hungry.example.net>
            Call-ID: clerr.0ha0isndaksdjweiafasdk3
            CSeq: 8 INVITE
            Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523
            Content-Type: application/sdp
            Content-Length: 9999
            """, SmallSdp), SipParseErrorKind.BodyTruncated, CanRespond: true, "Content-Length"),

        // 3.1.2.3: a negative Content-Length.
        new("ncl", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            Max-Forwards: 254
            To: sip:j.user@example.com
            From: sip:caller@example.net;tag=32394234
            Call-ID: ncl.0ha0isndaksdj2193423r542w35
            CSeq: 0 INVITE
            Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw
            Contact: <sip:caller@example53.example.net>
            Content-Type: application/sdp
            Content-Length: -999
            """, SmallSdp), SipParseErrorKind.BadContentLength, CanRespond: true, "Content-Length"),

        // 3.1.2.4: request scalars past their range: CSeq beyond 2^32, Max-Forwards beyond 255, huge expiries.
        new("scalar02", SipText.Message("""
            REGISTER sip:example.com SIP/2.0
            Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3
            To: <sip:agent@example.com>
            From: <sip:agent@example.com>;tag=239232jh3
            CSeq: 36893488147419103232 REGISTER
            Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32
            Max-Forwards: 300
            Expires: 1000000000000000000000000000000000000000000000
            Contact: <sip:agent@host129.example.com>;expires=280297596632815
            Content-Length: 0
            """), SipParseErrorKind.BadHeaderValue, CanRespond: true, "CSeq"),

        // 3.1.2.5: response scalars past their range: a four-digit warn-code, a Retry-After beyond 2^64.
        new("scalarlg", SipText.Message("""
            SIP/2.0 503 Service Unavailable
            Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129
            To: <sip:agent@example.com>
            From: <sip:other@example.net>;tag=2easdjfejw
            CSeq: 9292394834772304023312 OPTIONS
            Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r
            Retry-After: 949302838503028349304023988
            Warning: 1812 overture "In Progress"
            Content-Length: 0
            """), SipParseErrorKind.BadHeaderValue, CanRespond: false, "CSeq"),

        // 3.1.2.6: a display name whose opening quote is never closed.
        new("quotbal", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            To: "Mr. J. User <sip:j.user@example.com>
            From: sip:caller@example.net;tag=93334
            Max-Forwards: 10
            Call-ID: quotbal.aksdj
            Contact: <sip:caller@host59.example.net>
            CSeq: 8 INVITE
            Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadHeaderValue, CanRespond: true, "To"),

        // 3.1.2.7: a Request-URI in angle brackets.
        new("ltgtruri", SipText.Message("""
            INVITE <sip:agent@example.com> SIP/2.0
            To: sip:agent@example.com
            From: sip:caller@example.net;tag=39291
            Max-Forwards: 23
            Call-ID: ltgtruri.1@192.0.2.5
            CSeq: 1 INVITE
            Via: SIP/2.0/UDP 192.0.2.5
            Contact: <sip:caller@host5.example.net>
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadStartLine, CanRespond: true),

        // 3.1.2.8: whitespace inside the Request-URI.
        new("lwsruri", SipText.Message("""
            INVITE sip:agent@example.com; lr SIP/2.0
            To: sip:agent@example.com;tag=3xfe-9921883-z9f
            From: sip:caller@example.net;tag=231413434
            Max-Forwards: 5
            Call-ID: lwsruri.asdfasdoeoi2323-asdfwrs
            CSeq: 23432 INVITE
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395
            Contact: <sip:caller@host1.example.net>
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadStartLine, CanRespond: true),

        // 3.1.2.9: two spaces between the Request-Line elements.
        new("lwsstart", SipText.Message("""
            INVITE  sip:agent@example.com  SIP/2.0
            Max-Forwards: 8
            To: sip:agent@example.com
            From: sip:caller@example.net;tag=8814
            Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com
            CSeq: 1893884 INVITE
            Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923
            Contact: <sip:caller@host1.example.net>
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadStartLine, CanRespond: true),

        // 3.1.2.10: spaces after the SIP version.
        new("trws", SipText.Message(
            "OPTIONS sip:remote-target@example.com SIP/2.0  \n"
            + "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093\n"
            + "To: <sip:remote-target@example.com>\n"
            + "From: <sip:local-resource@example.com>;tag=329429089\n"
            + "Call-ID: trws.oij4q4unsdf1f2k4q4l2n\n"
            + "Accept: application/sdp\n"
            + "CSeq: 238923 OPTIONS\n"
            + "Max-Forwards: 70\n"
            + "Content-Length: 0"), SipParseErrorKind.BadStartLine, CanRespond: true),

        // 3.1.2.11: an escaped header in the Request-URI.
        new("escruri", SipText.Message("""
            INVITE sip:agent@example.com?Route=%3Csip:example.com%3E SIP/2.0
            To: sip:agent@example.com
            From: sip:caller@example.net;tag=341518
            Max-Forwards: 7
            Contact: <sip:caller@host39923.example.net>
            Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5
            CSeq: 149209342 INVITE
            Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadStartLine, CanRespond: true),

        // 3.1.2.12: a Date in a zone other than GMT.
        new("baddate", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            To: sip:agent@example.com
            From: sip:caller@example.net;tag=2234923
            Max-Forwards: 70
            Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234
            CSeq: 1392934 INVITE
            Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw
            Date: Fri, 01 Jan 2010 16:00:00 EST
            Contact: <sip:caller@host5.example.net>
            Content-Type: application/sdp
            Content-Length: $LEN$
            """, SmallSdp), SipParseErrorKind.BadHeaderValue, CanRespond: true, "Date"),

        // 3.1.2.13: a Contact URI with a '?' that is not in angle brackets.
        new("regbadct", SipText.Message("""
            REGISTER sip:example.com SIP/2.0
            To: sip:agent@example.com
            From: sip:agent@example.com;tag=998332
            Max-Forwards: 70
            Call-ID: regbadct.k345asrl3fdbv@10.0.0.1
            CSeq: 1 REGISTER
            Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw
            Contact: sip:agent@example.com?Route=%3Csip:sip.example.com%3E
            l: 0
            """), SipParseErrorKind.BadHeaderValue, CanRespond: true, "Contact"),

        // 3.1.2.14: whitespace inside the angle brackets of an addr-spec.
        new("badaspec", SipText.Message("""
            OPTIONS sip:agent@example.org SIP/2.0
            Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234
            Max-Forwards: 70
            From: "Bell, Alexander" <sip:a.g.bell@example.com>;tag=433423
            To: "Watson, Thomas" < sip:t.watson@example.org >
            Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3
            Accept: application/sdp
            CSeq: 3923239 OPTIONS
            l: 0
            """), SipParseErrorKind.BadHeaderValue, CanRespond: true, "To"),

        // 3.1.2.15: an unquoted display name with a comma, which is not a token character.
        new("baddn", SipText.Message("""
            OPTIONS sip:t.watson@example.org SIP/2.0
            Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw
            Max-Forwards:      70
            From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43
            To:      Watson, Thomas <sip:t.watson@example.org>
            Call-ID: baddn.31415@c.example.com
            Accept: application/sdp
            CSeq:    3923239 OPTIONS
            l: 0
            """), SipParseErrorKind.BadHeaderValue, CanRespond: true, "From"),

        // 3.1.2.16: SIP/7.0, which a server answers with 505.
        new("badvers", SipText.Message("""
            OPTIONS sip:t.watson@example.org SIP/7.0
            Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw
            Max-Forwards:     70
            From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe
            To:      T. Watson <sip:t.watson@example.org>
            Call-ID: badvers.31417@c.example.com
            CSeq:    1 OPTIONS
            l: 0
            """), SipParseErrorKind.UnsupportedVersion, CanRespond: true),

        // 3.1.2.17: an OPTIONS whose CSeq names INVITE.
        new("mismatch01", SipText.Message("""
            OPTIONS sip:agent@example.com SIP/2.0
            To: sip:j.user@example.com
            From: sip:caller@example.net;tag=34525
            Max-Forwards: 6
            Call-ID: mismatch01.dj0234sxdfl3
            CSeq: 8 INVITE
            Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw
            l: 0
            """), SipParseErrorKind.MethodMismatch, CanRespond: true, "CSeq"),

        // 3.1.2.18: an unknown method whose CSeq names INVITE.
        new("mismatch02", SipText.Message("""
            NEWMETHOD sip:agent@example.com SIP/2.0
            To: sip:j.user@example.com
            From: sip:caller@example.net;tag=34525
            Max-Forwards: 6
            Call-ID: mismatch02.dj0234sxdfl3
            CSeq: 8 INVITE
            Contact: <sip:caller@host.example.net>
            Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw
            Content-Type: application/sdp
            l: $LEN$
            """, SmallSdp), SipParseErrorKind.MethodMismatch, CanRespond: true, "CSeq"),

        // 3.1.2.19: a status code of ten digits.
        new("bigcode", SipText.Message("""
            SIP/2.0 4294967301 better not break the receiver
            Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe
            Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3
            CSeq: 3882340 OPTIONS
            From: <sip:agent@example.com>;tag=39ansfi3
            To: <sip:agent@example.edu>;tag=902jndnke3
            Content-Length: 0
            Contact: <sip:agent@192.0.2.105>
            """), SipParseErrorKind.BadStartLine, CanRespond: false),

        // 3.3.1 (insuf): no Call-ID, From or To; nothing can be answered.
        new("insuf", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            CSeq: 193942 INVITE
            Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf
            Content-Type: application/sdp
            l: $LEN$
            """, SmallSdp), SipParseErrorKind.MissingHeader, CanRespond: false, "From"),

        // 3.3.8 (multi01): two values each for Call-ID, To, From, Max-Forwards and CSeq.
        new("multi01", SipText.Message("""
            INVITE sip:agent@example.com SIP/2.0
            Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw
            Max-Forwards: 70
            CSeq: 5 INVITE
            Call-ID: multi01.98asdh@192.0.2.1
            CSeq: 59 INVITE
            Call-ID: multi01.98asdh@192.0.2.2
            From: sip:caller@example.com;tag=3413415
            To: sip:agent@example.com
            To: sip:other@example.net
            From: sip:caller@example.net;tag=2923420123
            Content-Type: application/sdp
            l: $LEN$
            Contact: <sip:caller@host5.example.net>
            Max-Forwards: 5
            """, SmallSdp), SipParseErrorKind.DuplicateHeader, CanRespond: true, "From"),

        // 3.3.9 (mcl01): two Content-Length values that disagree.
        new("mcl01", SipText.Message("""
            OPTIONS sip:agent@example.com SIP/2.0
            Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423
            To: sip:agent@example.com
            From: sip:other@example.net;tag=3923942
            Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf
            CSeq: 15932 OPTIONS
            Content-Length: 13
            Max-Forwards: 60
            Content-Length: 5
            Content-Type: text/plain
            """, "There's no way to know how many octets are supposed to be here."), SipParseErrorKind.BadContentLength, CanRespond: true, "Content-Length"),

        // RFC 5118 4.2: an IPv6 address without brackets in the Request-URI.
        new("ipv6-bad", SipText.Message("""
            REGISTER sip:2001:db8::10 SIP/2.0
            To: sip:agent@example.com
            From: sip:agent@example.com;tag=81x2
            Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111
            Call-ID: SSG9559905523997077@hlau_4100
            Max-Forwards: 70
            Contact: "Caller" <sip:caller@[2001:db8::1]>
            CSeq: 98176 REGISTER
            Content-Length: 0
            """), SipParseErrorKind.BadStartLine, CanRespond: true),

        // RFC 5118 4.10: three colons before an embedded IPv4 address, which RFC 3261's ABNF let through.
        new("ipv6-bug-abnf-3-colons", SipText.Message("""
            OPTIONS sip:agent@[2001:db8:::192.0.2.1] SIP/2.0
            To: sip:agent@[2001:db8:::192.0.2.1]
            From: sip:caller@example.com;tag=81xh
            Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3
            Call-ID: SSG95523997077@hlau_4100
            Max-Forwards: 70
            CSeq: 8 OPTIONS
            Content-Length: 0
            """), SipParseErrorKind.BadStartLine, CanRespond: true),
    ];
}
