using System.Text;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>
/// Messages for each case of RFC 4475 (SIP torture tests) and RFC 5118 (IPv6 torture tests), written
/// for this suite from each case's description: same trap, our own addresses and values.
/// </summary>
internal static class TortureMessages
{
    public const string Sdp = """
        v=0
        o=agent 4200 4200 IN IP4 192.0.2.20
        s=-
        c=IN IP4 192.0.2.20
        t=0 0
        m=audio 40000 RTP/AVP 0 8
        a=rtpmap:0 PCMU/8000
        """;

    /// <summary>3.1.1.1: folding everywhere, odd spacing and case, compact and long names mixed, leading zeros.</summary>
    public static readonly byte[] Wsinv = SipText.Message("""
        INVITE sip:queue-7@acd.example.com;oddparam SIP/2.0
        TO :
         sip:queue-7@acd.example.com ;   tag    = 55aa77n
        from   : "Desk \\\"Seven\\\""       <sip:desk7@example.com>
          ;
          tag = kk81x
        MaX-fOrWaRdS: 0069
        Call-ID: wsinv.kk81x@192.0.2.7
        Content-Length   : $LEN$
        cseq: 0012
          INVITE
        Via  : SIP  /   2.0
         /UDP
            192.0.2.7;branch=z9hG4bKwsinv1
        s :
        BrandNewHeader:   a brand new value
         carried on a second line
        OddlyValuedHeader: ;;,,;;,;
        Content-Type: application/sdp
        Route:
         <sip:edge.example.com;lr;knownnot=value;flagonly>
        v:  SIP  / 2.0  / TCP     relay.example.com   ;
          branch  =   z9hG4bKwsinv2  ,
         SIP  /    2.0   / UDP  192.0.2.77   ; branch=
         z9hG4bKwsinv3
        m:"Quoted \"and\" escaped" <sip:desk7@example.com> ; extra =
              value7 ;
          flagparam ; q = 0.5
        """, Sdp);

    /// <summary>3.1.1.2: every non-alphanumeric token, word and quoted-pair character in the places they may go.</summary>
    public static readonly byte[] Intmeth = SipText.Message(
        "!odd-Method0123456789_*+`.%really'~ sip:odd_user~(yes!)&more+stuff$/?,;x*:p&s+w=1,d!*x$y~z.(ok)@example.com SIP/2.0\n"
        + "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\n"
        + "To: \"BEL:\\\u0007 NUL:\\\0 DEL:\\\u007F\" <sip:odd_user~(yes!)&more+stuff$/?,;x*@example.com>\n"
        + "From: token1~` token2'+_ token3*%!.- <sip:plain@example.com>;fromParam''~+*_!.-%=\"\u0447\u0435\u0442\u044B\u0440\u0435\";tag=_tok~1'+`*%!-.\n"
        + "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
        + "CSeq: 139122385 !odd-Method0123456789_*+`.%really'~\n"
        + "Max-Forwards: 255\n"
        + "extensionHeader-!.%*+_`'~: \uFEFF\u5927\u5BB6\u597D\n"
        + "Content-Length: 0");

    /// <summary>3.1.1.3: %-escapes in the Request-URI, To, From and Contact, including escaped parameter names.</summary>
    public static readonly byte[] Esc01 = SipText.Message("""
        INVITE sip:sips%3Aagent%40example.com@example.net SIP/2.0
        To: sip:%61gent@example.com
        From: <sip:I%20have%20spaces@example.net>;tag=esc01x
        Max-Forwards: 70
        Call-ID: esc01.239409asdfakjkn23onasd0-3234
        CSeq: 234234 INVITE
        Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKesc01
        C: application/sdp
        Contact: <sip:c%61ller@host5.example.net;%6C%72;n%61me=v%61lue%25%31%30>
        Content-Length: $LEN$
        """, Sdp);

    /// <summary>3.1.1.4: escaped NUL octets in user parts; a parser must not stop at them.</summary>
    public static readonly byte[] Escnull = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        To: sip:zero-%00-zero@example.com
        From: sip:zero-%00-zero@example.com;tag=esc00
        Call-ID: escnull.sdfkj23
        Max-Forwards: 70
        CSeq: 14398234 REGISTER
        Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKescnull
        Contact: <sip:%00@host5.example.com>
        Contact: <sip:%00%00@host5.example.com>
        L:0
        """);

    /// <summary>3.1.1.5: '%' where it is no escape: in a method, a quoted display name and a Call-ID.</summary>
    public static readonly byte[] Esc02 = SipText.Message("""
        RE%47IST%45R sip:registrar.example.com SIP/2.0
        To: "%Z%45" <sip:resource@example.com>
        From: "%Z%45" <sip:resource@example.com>;tag=esc02tag
        Max-Forwards: 70
        i: esc02.%Z%45%X
        Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKesc02
        CSeq: 29344 RE%47IST%45R
        Contact: <sip:alias1@host1.example.com>
        Contact: <sip:alias2@host2.example.com>
        Contact: <sip:alias3@host3.example.com>
        l: 0
        """);

    /// <summary>3.1.1.6: no whitespace between an unquoted display name and '&lt;'.</summary>
    public static readonly byte[] Lwsdisp = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: caller<sip:caller@example.com>;tag=lws8
        Max-Forwards: 70
        Call-ID: lwsdisp.1234abcd@funky.example.com
        CSeq: 60 OPTIONS
        Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKlwsdisp
        l: 0
        """);

    public static readonly string LongUser = new('u', 512);

    public static readonly string LongTag = string.Concat(Enumerable.Repeat("t0123456789", 90));

    public static readonly string LongBranch = "z9hG4bK" + new string('b', 700);

    public static readonly string LongCallId = "longreq." + new string('c', 2000);

    public static readonly string LongHeaderName = "X-" + new string('n', 300);

    public static readonly string LongValue = string.Join(' ', Enumerable.Repeat("long-value-with-words", 400));

    /// <summary>3.1.1.7: long values everywhere, many Via values, and a long unknown header.</summary>
    public static readonly byte[] Longreq = SipText.Message(
        $"INVITE sip:{LongUser}@example.com SIP/2.0\n"
        + $"To: \"I have a display name of {string.Concat(Enumerable.Repeat("great ", 60))}length\" <sip:{LongUser}@example.com>\n"
        + $"From: sip:caller@example.net;tag={LongTag}\n"
        + $"Call-ID: {LongCallId}\n"
        + "CSeq: 18 INVITE\n"
        + "Max-Forwards: 70\n"
        + string.Concat(Enumerable.Range(1, 30).Select(i => $"Via: SIP/2.0/TCP sip{i}.example.com;branch=z9hG4bKlong{i}\n"))
        + "Via: " + string.Join(", ", Enumerable.Range(31, 40).Select(i => $"SIP/2.0/UDP sip{i}.example.com;branch=z9hG4bKlong{i}")) + "\n"
        + $"Via: SIP/2.0/SCTP last.example.com;branch={LongBranch}\n"
        + $"{LongHeaderName}: {LongValue}\n"
        + $"Contact: <sip:{LongUser}@host.example.com;transport=tcp>\n"
        + "Content-Type: application/sdp\n"
        + "Content-Length: $LEN$",
        Sdp);

    /// <summary>3.1.1.8 first part: the REGISTER a datagram holds before its extra octets.</summary>
    public static readonly byte[] DblreqRegister = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:agent@example.com;tag=dbl1
        Max-Forwards: 70
        Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15
        CSeq: 8 REGISTER
        Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKdblreq
        Contact: <sip:agent@192.0.2.15>
        l: 0
        """);

    /// <summary>3.1.1.8: a datagram whose Content-Length ends the message before a second request.</summary>
    public static readonly byte[] Dblreq = [.. DblreqRegister, .. SipText.Message("""
        INVITE sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.net;tag=dbl2
        Max-Forwards: 70
        Call-ID: dblreq.second@192.0.2.15
        CSeq: 9 INVITE
        Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKdblreq2
        Content-Type: application/sdp
        Content-Length: $LEN$
        """, Sdp)];

    /// <summary>3.1.1.9: ';' inside the user part, which a parser must not take for URI parameters.</summary>
    public static readonly byte[] Semiuri = SipText.Message("""
        OPTIONS sip:agent;par=u%40example.net@example.com SIP/2.0
        To: sip:j_user@example.com
        From: sip:caller@example.org;tag=semi33
        Max-Forwards: 70
        Call-ID: semiuri.0ha0isndaksdj
        CSeq: 8 OPTIONS
        Accept: application/sdp, application/pkcs7-mime,
                multipart/mixed, multipart/signed,
                message/sip, message/sipfrag
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKsemi
        l: 0
        """);

    /// <summary>3.1.1.10: known, rare and unknown transport tokens in Via.</summary>
    public static readonly byte[] Transports = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: <sip:caller@example.com>;tag=tr55
        Max-Forwards: 70
        Call-ID: transports.kijh4akdnaqjkwendsasfdj
        Accept: application/sdp
        CSeq: 60 OPTIONS
        Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKtr1
        Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKtr2
        Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bKtr3
        Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKtr4
        Via: SIP/2.0/UDP t5.example.com;branch=z9hG4bKtr5
        l: 0
        """);

    public static readonly byte[] MultipartBody = BuildMultipartBody();

    /// <summary>3.1.1.11: a multipart body with a binary part, which holds CRLFs and every octet value.</summary>
    public static readonly byte[] Mpart01 = SipText.Message("""
        MESSAGE sip:agent@example.com SIP/2.0
        To: <sip:agent@example.com>
        From: <sip:caller@example.com>;tag=mp01
        Call-ID: mpart01.8ht7ck2@example.com
        CSeq: 1 MESSAGE
        Max-Forwards: 70
        Via: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bKmpart
        MIME-Version: 1.0
        Content-Type: multipart/mixed;boundary=zz-part-zz
        Content-Length: $LEN$
        """, MultipartBody);

    public const string UnusualReason = "= 2**3 * 5**2 \u0441\u0442\u043E \u0434\u0435\u0432\u044F\u043D\u043E\u0441\u0442\u043E \u00E9t\u00E9 <!> \"quoted\" \u4F60\u597D";

    /// <summary>3.1.1.12: a reason phrase of reserved characters and non-ASCII UTF-8.</summary>
    public static readonly byte[] Unreason = SipText.Message(
        $"SIP/2.0 200 {UnusualReason}\n"
        + "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bKunreason\n"
        + "Call-ID: unreason.1234ksdfak3j2erwedfsASdf\n"
        + "CSeq: 35 INVITE\n"
        + "From: sip:agent@example.com;tag=11141343\n"
        + "To: sip:agent@example.edu;tag=2229\n"
        + "Content-Type: application/sdp\n"
        + "Content-Length: $LEN$\n"
        + "Contact: <sip:agent@192.0.2.198:5068>",
        Sdp);

    /// <summary>3.1.1.13: a Status-Line whose reason phrase is empty (the space after the code stays).</summary>
    public static readonly byte[] Noreason = SipText.Message(
        "SIP/2.0 100 \n"
        + "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bKnoreason\n"
        + "Call-ID: noreason.asndj203insdf99223ndf\n"
        + "CSeq: 35 INVITE\n"
        + "From: <sip:agent@example.com>;tag=39ansfi3\n"
        + "To: <sip:agent@example.edu>;tag=902jndnke3\n"
        + "Content-Length: 0\n"
        + "Contact: <sip:agent@192.0.2.105>");

    /// <summary>3.2.1 (badbranch): a branch that is only the magic cookie; parsing accepts it.</summary>
    public static readonly byte[] Badbranch = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.org;tag=33242
        Max-Forwards: 3
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK
        Accept: application/sdp
        Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n
        CSeq: 8 OPTIONS
        l: 0
        """);

    /// <summary>3.3.2 (unksm): a Request-URI of a scheme nobody knows.</summary>
    public static readonly byte[] Unksm = SipText.Message("""
        OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.net;tag=384
        Max-Forwards: 3
        Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34
        CSeq: 3923423 OPTIONS
        Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKunksm
        Content-Length: 0
        """);

    /// <summary>3.3.3 (novelsc): a Request-URI of a known but atypical scheme.</summary>
    public static readonly byte[] Novelsc = SipText.Message("""
        OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.net;tag=384
        Max-Forwards: 3
        Call-ID: novelsc.asdfasser0q239nwsdfasdkl34
        CSeq: 3923423 OPTIONS
        Via: SIP/2.0/TCP host9.example.com;branch=z9hG4bKnovelsc
        Content-Length: 0
        """);

    /// <summary>3.3.4 (unksm2): URIs of unknown schemes in To, From and Contact.</summary>
    public static readonly byte[] Unksm2 = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        To: isbn:2983792873
        From: <http://www.example.com>;tag=3234233
        Call-ID: unksm2.daksdj@hyphenated-host.example.com
        CSeq: 234902 REGISTER
        Max-Forwards: 70
        Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKunksm2
        Contact: <name:John_Smith>
        l: 0
        """);

    /// <summary>3.3.5 (bext01): Require and Proxy-Require with extensions nobody supports.</summary>
    public static readonly byte[] Bext01 = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        To: sip:j_user@example.com
        From: sip:caller@example.net;tag=242etr
        Max-Forwards: 6
        Call-ID: bext01.0ha0isndaksdj
        Require: nothingSupportsThis, nothingSupportsThisEither
        Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis
        CSeq: 8 OPTIONS
        Via: SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKbext01
        Content-Length: 0
        """);

    /// <summary>3.3.6 (invut): a body of an unknown Content-Type.</summary>
    public static readonly byte[] Invut = SipText.Message("""
        INVITE sip:agent@example.com SIP/2.0
        Contact: <sip:caller@host5.example.net>
        To: sip:j.user@example.com
        From: sip:caller@example.net;tag=8392034
        Max-Forwards: 70
        Call-ID: invut.0ha0isndaksdjadsfij34n23d
        CSeq: 235448 INVITE
        Via: SIP/2.0/UDP somehost.example.com;branch=z9hG4bKinvut
        Content-Type: application/unknownformat
        Content-Length: $LEN$
        """, "<audio> <pcmu port=\"443\"/> </audio>");

    /// <summary>3.3.7 (regaut01): an Authorization of an unknown scheme, carried as is.</summary>
    public static readonly byte[] Regaut01 = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        To: sip:j.user@example.com
        From: sip:j.user@example.com;tag=87321hj23128
        Max-Forwards: 8
        Call-ID: regaut01.0ha0isndaksdj
        CSeq: 9338 REGISTER
        Via: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKregaut
        Authorization: NoOneKnowsThisScheme opaque-data=here
        Content-Length:0
        """);

    /// <summary>3.3.10 (bcast): a response whose second Via names the broadcast address.</summary>
    public static readonly byte[] Bcast = SipText.Message("""
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bKbcast1
        Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bKbcast2
        Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf
        CSeq: 35 INVITE
        From: sip:agent@example.com;tag=11141343
        To: sip:agent@example.edu;tag=2229
        Content-Length: 0
        Contact: <sip:agent@192.0.2.198>
        """);

    /// <summary>3.3.11 (zeromf): Max-Forwards of zero.</summary>
    public static readonly byte[] Zeromf = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.net;tag=3ghsd41
        Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas
        CSeq: 39234321 OPTIONS
        Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKzeromf
        Max-Forwards: 0
        Content-Length: 0
        """);

    /// <summary>3.3.12 (cparam01): an unbracketed Contact, so its ';' parameter belongs to the header.</summary>
    public static readonly byte[] Cparam01 = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKcparam01
        Max-Forwards: 70
        From: sip:watson@example.com;tag=DkfVgjkrtMwaerKKpe
        To: sip:watson@example.com
        Call-ID: cparam01.70710@saturn.example.com
        CSeq: 2 REGISTER
        Contact: sip:+19725552222@gw1.example.net;unknownparam
        l: 0
        """);

    /// <summary>3.3.13 (cparam02): the same parameter inside the brackets, so it belongs to the URI.</summary>
    public static readonly byte[] Cparam02 = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        Via: SIP/2.0/UDP saturn.example.com:5060;branch=z9hG4bKcparam02
        Max-Forwards: 70
        From: sip:watson@example.com;tag=838293
        To: sip:watson@example.com
        Call-ID: cparam02.70710@saturn.example.com
        CSeq: 3 REGISTER
        Contact: <sip:+19725552222@gw1.example.net;unknownparam>
        l: 0
        """);

    /// <summary>3.3.14 (regescrt): a Contact URI with an escaped header, legal inside brackets.</summary>
    public static readonly byte[] Regescrt = SipText.Message("""
        REGISTER sip:example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:agent@example.com;tag=8
        Max-Forwards: 70
        Call-ID: regescrt.k345asrl3fdbv@192.0.2.1
        CSeq: 14398234 REGISTER
        Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKregescrt
        M: <sip:agent@example.com?Route=%3Csip:sip.example.com%3E>
        L:0
        """);

    /// <summary>3.3.15 (sdp01): an offer whose Accept lists only a type nobody knows.</summary>
    public static readonly byte[] Sdp01 = SipText.Message("""
        INVITE sip:agent@example.com SIP/2.0
        To: sip:j_user@example.com
        Contact: <sip:caller@host15.example.net>
        From: sip:caller@example.net;tag=234
        Max-Forwards: 5
        Call-ID: sdp01.ndaksdj9342dasdd
        Accept: text/nobodyknowsthis
        CSeq: 8 INVITE
        Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKsdp01
        Content-Length: $LEN$
        Content-Type: application/sdp
        """, Sdp);

    /// <summary>3.4.1 (inv2543): RFC 2543 style: no branch, no Max-Forwards, no From tag.</summary>
    public static readonly byte[] Inv2543 = SipText.Message("""
        INVITE sip:UserB@example.com SIP/2.0
        Via: SIP/2.0/UDP iftgw.example.com
        From: <sip:+13035551111@ift.client.example.net;user=phone>
        Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>
        To: sip:+16505552222@ss1.example.net;user=phone
        Call-ID: inv2543.1717@ift.client.example.com
        CSeq: 56 INVITE
        Content-Type: application/sdp
        Content-Length: $LEN$
        """, Sdp);

    /// <summary>RFC 5118 4.1: IPv6 references in the Request-URI, Via and Contact.</summary>
    public static readonly byte[] Ipv6Good = SipText.Message("""
        REGISTER sip:[2001:db8::10] SIP/2.0
        To: sip:agent@example.com
        From: sip:agent@example.com;tag=81x2
        Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKv6good
        Call-ID: SSG9559905523997077@hlau_4100
        Max-Forwards: 70
        Contact: "Caller" <sip:caller@[2001:db8::1]>
        CSeq: 98176 REGISTER
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.3: the last group of an IPv6 reference looks like a port but is inside the brackets.</summary>
    public static readonly byte[] PortAmbiguous = SipText.Message("""
        REGISTER sip:[2001:db8::10:5070] SIP/2.0
        To: sip:agent@example.com
        From: sip:agent@example.com;tag=81xa
        Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKamb
        Call-ID: SSG9559905523997077@hlau_4100
        Contact: "Caller" <sip:caller@[2001:db8::1]>
        Max-Forwards: 70
        CSeq: 98176 REGISTER
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.4: a port after the closing bracket.</summary>
    public static readonly byte[] PortUnambiguous = SipText.Message("""
        REGISTER sip:[2001:db8::10]:5070 SIP/2.0
        To: sip:agent@example.com
        From: sip:agent@example.com;tag=81xb
        Via: SIP/2.0/UDP [2001:db8::9:1]:5071;branch=z9hG4bKunamb
        Call-ID: SSG9559905523997077@hlau_4100
        Contact: "Caller" <sip:caller@[2001:db8::1]>
        Max-Forwards: 70
        CSeq: 98176 REGISTER
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.5: a Via received parameter holding a bracketed IPv6 address.</summary>
    public static readonly byte[] ViaReceivedWithDelimiter = SipText.Message("""
        BYE sip:[2001:db8::10] SIP/2.0
        To: sip:agent@example.com;tag=bd76ya
        From: sip:caller@example.com;tag=81xc
        Via: SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKrcvd1
        Call-ID: SSG9559905523997077@hlau_4100
        Max-Forwards: 70
        CSeq: 321 BYE
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.6: the same received parameter without brackets, as RFC 3261's grammar writes it.</summary>
    public static readonly byte[] ViaReceivedWithoutDelimiter = SipText.Message("""
        OPTIONS sip:[2001:db8::10] SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.com;tag=81xd
        Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKrcvd2
        Call-ID: SSG9559905523997077@hlau_4100
        Max-Forwards: 70
        CSeq: 323 OPTIONS
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.7: an IPv4-mapped IPv6 address in the URI, Via and SDP.</summary>
    public static readonly byte[] Ipv4MappedIpv6 = SipText.Message("""
        INVITE sip:agent@[::ffff:192.0.2.10] SIP/2.0
        To: sip:agent@[::ffff:192.0.2.10]
        From: sip:caller@example.com;tag=81xe
        Via: SIP/2.0/UDP [::ffff:192.0.2.128];branch=z9hG4bKmapped
        Call-ID: SSG95523997077@hlau_4100
        Max-Forwards: 70
        Contact: "Caller" <sip:caller@[::ffff:192.0.2.128]>
        CSeq: 922 INVITE
        Content-Type: application/sdp
        Content-Length: $LEN$
        """, """
        v=0
        o=caller 1122 1122 IN IP6 ::ffff:192.0.2.128
        s=-
        c=IN IP6 ::ffff:192.0.2.128
        t=0 0
        m=audio 3456 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        """);

    /// <summary>RFC 5118 4.8: a dual-stack offer: IPv4 and IPv6 media lines.</summary>
    public static readonly byte[] DualStack = SipText.Message("""
        INVITE sip:agent@example.com SIP/2.0
        To: sip:agent@example.com
        From: sip:caller@example.com;tag=81xf
        Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKdual
        Call-ID: SSG95523997077@hlau_4100
        Max-Forwards: 70
        Contact: "Caller" <sip:caller@[2001:db8::9:1]>
        CSeq: 8612 INVITE
        Content-Type: application/sdp
        Content-Length: $LEN$
        """, """
        v=0
        o=caller 1122 1122 IN IP4 192.0.2.1
        s=-
        c=IN IP4 192.0.2.1
        t=0 0
        a=group:ANAT 1 2
        m=audio 25000 RTP/AVP 0
        a=mid:1
        c=IN IP6 2001:db8::1
        m=audio 22222 RTP/AVP 0
        a=mid:2
        """);

    /// <summary>RFC 5118 4.9: IPv6 and IPv4 addresses side by side in Via and Route.</summary>
    public static readonly byte[] MultipleAddressesInHeaders = SipText.Message("""
        BYE sip:agent@example.com SIP/2.0
        Via: SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKmult1
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKmult2
        Route: <sip:[2001:db8::9:255];lr>, <sip:192.0.2.254;lr>
        To: sip:agent@example.com;tag=bd76ya
        From: sip:caller@example.com;tag=81xg
        Call-ID: SSG95523997077@hlau_4100
        Max-Forwards: 70
        CSeq: 7 BYE
        Content-Length: 0
        """);

    /// <summary>RFC 5118 4.10, the correct form: two colons before an embedded IPv4 address.</summary>
    public static readonly byte[] Ipv6TwoColons = SipText.Message("""
        OPTIONS sip:agent@[2001:db8::192.0.2.1] SIP/2.0
        To: sip:agent@[2001:db8::192.0.2.1]
        From: sip:caller@example.com;tag=81xh
        Via: SIP/2.0/UDP [2001:db8::192.0.2.2];branch=z9hG4bKtwocolons
        Call-ID: SSG95523997077@hlau_4100
        Max-Forwards: 70
        CSeq: 8 OPTIONS
        Content-Length: 0
        """);

    /// <summary>The valid messages by case name; each holds exactly one message.</summary>
    public static readonly IReadOnlyDictionary<string, byte[]> Valid = new Dictionary<string, byte[]>
    {
        ["wsinv"] = Wsinv,
        ["intmeth"] = Intmeth,
        ["esc01"] = Esc01,
        ["escnull"] = Escnull,
        ["esc02"] = Esc02,
        ["lwsdisp"] = Lwsdisp,
        ["longreq"] = Longreq,
        ["dblreq (first message)"] = DblreqRegister,
        ["semiuri"] = Semiuri,
        ["transports"] = Transports,
        ["mpart01"] = Mpart01,
        ["unreason"] = Unreason,
        ["noreason"] = Noreason,
        ["badbranch"] = Badbranch,
        ["unksm"] = Unksm,
        ["novelsc"] = Novelsc,
        ["unksm2"] = Unksm2,
        ["bext01"] = Bext01,
        ["invut"] = Invut,
        ["regaut01"] = Regaut01,
        ["bcast"] = Bcast,
        ["zeromf"] = Zeromf,
        ["cparam01"] = Cparam01,
        ["cparam02"] = Cparam02,
        ["regescrt"] = Regescrt,
        ["sdp01"] = Sdp01,
        ["inv2543"] = Inv2543,
        ["ipv6-good"] = Ipv6Good,
        ["port-ambiguous"] = PortAmbiguous,
        ["port-unambiguous"] = PortUnambiguous,
        ["via-received-param-with-delim"] = ViaReceivedWithDelimiter,
        ["via-received-param-no-delim"] = ViaReceivedWithoutDelimiter,
        ["ipv4-mapped-ipv6"] = Ipv4MappedIpv6,
        ["ipv4-ipv6-dual-stack"] = DualStack,
        ["mult-ip-in-header"] = MultipleAddressesInHeaders,
        ["ipv6-correct-abnf-2-colons"] = Ipv6TwoColons,
    };

    private static byte[] BuildMultipartBody()
    {
        var binary = new byte[512];
        for (var i = 0; i < binary.Length; i++)
        {
            binary[i] = (byte)(i * 7 % 256);
        }

        binary[100] = (byte)'\r';
        binary[101] = (byte)'\n';
        binary[102] = (byte)'\r';
        binary[103] = (byte)'\n';
        return
        [
            .. Encoding.ASCII.GetBytes("--zz-part-zz\r\nContent-Type: text/plain\r\n\r\nThe binary part follows.\r\n"),
            .. Encoding.ASCII.GetBytes("--zz-part-zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"),
            .. binary,
            .. Encoding.ASCII.GetBytes("\r\n--zz-part-zz--\r\n"),
        ];
    }
}
