using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using static CallControl.Media.Tests.Sip.Parsing.ParsingHelpers;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>The valid cases of RFC 4475 3.1.1, 3.2, 3.3 and 3.4, and of RFC 5118, read with the values they hold.</summary>
public sealed class ValidTortureMessageTests
{
    public static TheoryData<string> Names => new(TortureMessages.Valid.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void EachValidMessageParsesAsOneCompleteDatagramWithItsWholeBody(string name)
    {
        var bytes = TortureMessages.Valid[name];

        var message = ParseValid(bytes);

        var headLength = bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        message.Body.ToArray().ShouldBe(bytes[headLength..]);
        message.ContentLength.ShouldBe(bytes.Length - headLength);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EachValidMessageReadFromAStreamConsumesExactlyItsBytes(string name)
    {
        var bytes = TortureMessages.Valid[name];
        var input = Segmented(bytes, 7);

        var status = SipParser.TryParse(input, SipFraming.Stream, out var message, out var consumed, out var error);

        status.ShouldBe(SipParseStatus.Complete);
        error.ShouldBeNull();
        input.Slice(consumed).Length.ShouldBe(0);
        message.ShouldBe(ParseValid(bytes));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EachValidMessageWrittenBackParsesToTheSameMessage(string name)
    {
        var message = ParseValid(TortureMessages.Valid[name]);

        var again = ParseValid(SipWriter.ToArray(message));

        again.ShouldBe(message);
    }

    [Fact]
    public void WsinvFoldingSpacingCaseAndCompactFormsAreAllUnderstood()
    {
        var request = ParseRequest(TortureMessages.Wsinv);

        request.Method.ShouldBe(SipMethod.Invite);
        request.RequestUri.Sip().User.ShouldBe("queue-7");
        request.RequestUri.Sip().Parameters.Contains("oddparam").ShouldBeTrue();
        request.To!.Tag.ShouldBe("55aa77n");
        request.From!.DisplayName.ShouldBe("Desk \\\"Seven\\\"");
        request.From.Tag.ShouldBe("kk81x");
        request.MaxForwards.ShouldBe(69);
        request.CSeq.ShouldBe(new CSeq(12, SipMethod.Invite));
        request.CallId.ShouldBe("wsinv.kk81x@192.0.2.7");
        request.Vias.Select(v => (v.Transport, v.Host, v.Branch)).ShouldBe(
        [
            ("UDP", "192.0.2.7", "z9hG4bKwsinv1"),
            ("TCP", "relay.example.com", "z9hG4bKwsinv2"),
            ("UDP", "192.0.2.77", "z9hG4bKwsinv3"),
        ]);
        request.Vias.ShouldAllBe(v => v.Protocol == "SIP/2.0");
        request.Headers.First("Subject")!.Value.ShouldBe(string.Empty);
        request.Headers.First("BrandNewHeader")!.Value.ShouldBe("a brand new value carried on a second line");
        request.Headers.First("OddlyValuedHeader")!.Value.ShouldBe(";;,,;;,;");
        var route = request.Routes.ShouldHaveSingleItem().Uri.Sip();
        route.IsLooseRouter.ShouldBeTrue();
        route.Parameters["knownnot"].ShouldBe("value");
        route.Parameters.Contains("flagonly").ShouldBeTrue();
        var contact = request.Contacts.ShouldHaveSingleItem();
        contact.DisplayName.ShouldBe("Quoted \"and\" escaped");
        contact.Parameters.ShouldBe(SipParameters.Of(new("extra", "value7"), new("flagparam", null), new("q", "0.5")));
        request.ContentType.ShouldBe("application/sdp");
        Encoding.ASCII.GetString(request.Body.Span).ShouldStartWith("v=0\r\n");
    }

    [Fact]
    public void IntmethKeepsEveryTokenWordAndQuotedPairCharacter()
    {
        var request = ParseRequest(TortureMessages.Intmeth);

        request.Method.Name.ShouldBe("!odd-Method0123456789_*+`.%really'~");
        request.Method.IsKnown.ShouldBeFalse();
        request.CSeq!.Value.Method.ShouldBe(request.Method);
        var uri = request.RequestUri.Sip();
        uri.User.ShouldBe("odd_user~(yes!)&more+stuff$/?,;x*");
        uri.Password.ShouldBe("p&s+w=1,d!*x$y~z.(ok)");
        uri.Host.ShouldBe("example.com");
        request.TopVia!.Branch.ShouldBe("z9hG4bK-.!%66*_+`'~");
        request.To!.DisplayName.ShouldBe("BEL:\u0007 NUL:\0 DEL:\u007F");
        request.From!.DisplayName.ShouldBe("token1~` token2'+_ token3*%!.-");
        request.From.Tag.ShouldBe("_tok~1'+`*%!-.");
        request.From.Parameters["fromParam''~+*_!.-%"].ShouldBe("\"\u0447\u0435\u0442\u044B\u0440\u0435\"");
        request.CallId.ShouldBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
        request.Headers.First("extensionHeader-!.%*+_`'~")!.Value.ShouldBe("\uFEFF\u5927\u5BB6\u597D");
    }

    [Fact]
    public void Esc01UnescapesUserPartsAndUriParameterNamesOnlyWhenAsked()
    {
        var request = ParseRequest(TortureMessages.Esc01);

        var uri = request.RequestUri.Sip();
        uri.User.ShouldBe("sips%3Aagent%40example.com");
        uri.UnescapedUser.ShouldBe("sips:agent@example.com");
        uri.Host.ShouldBe("example.net");
        request.To!.Uri.Sip().UnescapedUser.ShouldBe("agent");
        request.From!.Uri.Sip().UnescapedUser.ShouldBe("I have spaces");
        var contact = request.Contacts.ShouldHaveSingleItem().Uri.Sip();
        contact.UnescapedUser.ShouldBe("caller");
        contact.Parameters.Select(p => SipUri.Unescape(p.Name)).ShouldBe(["lr", "name"]);
        SipUri.Unescape(contact.Parameters["n%61me"]!).ShouldBe("value%10");
        request.ContentType.ShouldBe("application/sdp");
    }

    [Fact]
    public void EscnullKeepsEscapedNulsInsideUserParts()
    {
        var request = ParseRequest(TortureMessages.Escnull);

        request.To!.Uri.Sip().UnescapedUser.ShouldBe("zero-\0-zero");
        request.From!.Uri.Sip().UnescapedUser.ShouldBe("zero-\0-zero");
        request.Contacts.Select(c => c.Uri.Sip().UnescapedUser).ShouldBe(["\0", "\0\0"]);
    }

    [Fact]
    public void Esc02TreatsPercentAsLiteralOutsideUris()
    {
        var request = ParseRequest(TortureMessages.Esc02);

        request.Method.Name.ShouldBe("RE%47IST%45R");
        request.Method.ShouldNotBe(SipMethod.Register);
        request.To!.DisplayName.ShouldBe("%Z%45");
        request.CallId.ShouldBe("esc02.%Z%45%X");
        request.Contacts.Count.ShouldBe(3);
    }

    [Fact]
    public void LwsdispReadsADisplayNameRightBeforeTheAngleBracket()
    {
        var request = ParseRequest(TortureMessages.Lwsdisp);

        request.From!.DisplayName.ShouldBe("caller");
        request.From.Uri.Sip().User.ShouldBe("caller");
        request.From.Tag.ShouldBe("lws8");
    }

    [Fact]
    public void LongreqKeepsEveryLongValueWhole()
    {
        var request = ParseRequest(TortureMessages.Longreq);

        request.RequestUri.Sip().User.ShouldBe(TortureMessages.LongUser);
        request.From!.Tag.ShouldBe(TortureMessages.LongTag);
        request.CallId.ShouldBe(TortureMessages.LongCallId);
        request.Vias.Count.ShouldBe(71);
        request.Vias[^1].Branch.ShouldBe(TortureMessages.LongBranch);
        request.Vias[^1].Transport.ShouldBe("SCTP");
        request.Headers.First(TortureMessages.LongHeaderName)!.Value.ShouldBe(TortureMessages.LongValue);
        request.To!.DisplayName!.Length.ShouldBeGreaterThan(300);
    }

    [Fact]
    public void DblreqTakesTheFirstRequestOfADatagramAndIgnoresTheRest()
    {
        var result = SipParser.Parse(TortureMessages.Dblreq);

        result.Status.ShouldBe(SipParseStatus.Complete);
        var request = result.Message.ShouldBeOfType<SipRequest>();
        request.Method.ShouldBe(SipMethod.Register);
        request.Body.Length.ShouldBe(0);
        request.ShouldBe(ParseValid(TortureMessages.DblreqRegister));
    }

    [Fact]
    public void DblreqOnAStreamYieldsBothRequestsInTurn()
    {
        var input = Segmented(TortureMessages.Dblreq, 64);

        SipParser.TryParse(input, SipFraming.Stream, out var first, out var consumed, out _).ShouldBe(SipParseStatus.Complete);
        var rest = input.Slice(consumed);
        SipParser.TryParse(rest, SipFraming.Stream, out var second, out consumed, out _).ShouldBe(SipParseStatus.Complete);

        first.ShouldBeOfType<SipRequest>().Method.ShouldBe(SipMethod.Register);
        second.ShouldBeOfType<SipRequest>().Method.ShouldBe(SipMethod.Invite);
        rest.Slice(consumed).Length.ShouldBe(0);
    }

    [Fact]
    public void SemiuriKeepsSemicolonsOfTheUserPartInTheUser()
    {
        var uri = ParseRequest(TortureMessages.Semiuri).RequestUri.Sip();

        uri.User.ShouldBe("agent;par=u%40example.net");
        uri.Host.ShouldBe("example.com");
        uri.Parameters.Count.ShouldBe(0);
    }

    [Fact]
    public void SemiuriReadsAFoldedAcceptListAsSixTypes()
    {
        var request = ParseRequest(TortureMessages.Semiuri);

        request.GetTokens(SipHeaderNames.Accept).Count.ShouldBe(6);
    }

    [Fact]
    public void TransportsKeepsKnownRareAndUnknownTransportTokens()
    {
        var request = ParseRequest(TortureMessages.Transports);

        request.Vias.Select(v => v.Transport).ShouldBe(["UDP", "SCTP", "TLS", "UNKNOWN", "UDP"]);
    }

    [Fact]
    public void Mpart01TakesABinaryBodyByItsContentLengthWithoutLookingInside()
    {
        var request = ParseRequest(TortureMessages.Mpart01);

        request.Body.ToArray().ShouldBe(TortureMessages.MultipartBody);
        request.ContentType.ShouldBe("multipart/mixed;boundary=zz-part-zz");
        request.Headers.First("MIME-Version")!.Value.ShouldBe("1.0");
    }

    [Fact]
    public void UnreasonKeepsAnUnusualReasonPhraseExactly()
    {
        var response = ParseResponse(TortureMessages.Unreason);

        response.StatusCode.ShouldBe(200);
        response.ReasonPhrase.ShouldBe(TortureMessages.UnusualReason);
    }

    [Fact]
    public void NoreasonReadsAnEmptyReasonPhrase()
    {
        var response = ParseResponse(TortureMessages.Noreason);

        response.StatusCode.ShouldBe(100);
        response.ReasonPhrase.ShouldBe(string.Empty);
        response.IsProvisional.ShouldBeTrue();
    }

    [Fact]
    public void BadbranchParsesABranchThatIsOnlyTheMagicCookie()
    {
        var via = ParseRequest(TortureMessages.Badbranch).TopVia!;

        via.Branch.ShouldBe(Via.MagicCookie);
        via.HasRfc3261Branch.ShouldBeTrue();
    }

    [Fact]
    public void UnksmAndNovelscKeepRequestUrisOfOtherSchemesOpaque()
    {
        var unknown = ParseRequest(TortureMessages.Unksm).RequestUri.ShouldBeOfType<OpaqueUri>();
        var novel = ParseRequest(TortureMessages.Novelsc).RequestUri.ShouldBeOfType<OpaqueUri>();

        (unknown.Scheme, unknown.Value).ShouldBe(("nobodyKnowsThisScheme", "totallyopaquecontent"));
        (novel.Scheme, novel.Value).ShouldBe(("soap.beep", "//192.0.2.103:3002"));
    }

    [Fact]
    public void Unksm2KeepsHeaderUrisOfOtherSchemesOpaque()
    {
        var request = ParseRequest(TortureMessages.Unksm2);

        request.To!.Uri.ShouldBe(new OpaqueUri("isbn", "2983792873"));
        request.From!.Uri.ShouldBe(new OpaqueUri("http", "//www.example.com"));
        request.From.Tag.ShouldBe("3234233");
        request.Contacts.ShouldHaveSingleItem().Uri.ShouldBe(new OpaqueUri("name", "John_Smith"));
    }

    [Fact]
    public void Bext01ListsTheRequiredExtensions()
    {
        var request = ParseRequest(TortureMessages.Bext01);

        request.GetTokens(SipHeaderNames.Require).ShouldBe(["nothingSupportsThis", "nothingSupportsThisEither"]);
        request.GetTokens("proxy-require").ShouldBe(["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]);
    }

    [Fact]
    public void InvutAndSdp01KeepTheirContentTypesAndAcceptAsGiven()
    {
        ParseRequest(TortureMessages.Invut).ContentType.ShouldBe("application/unknownformat");
        ParseRequest(TortureMessages.Sdp01).Headers.First("accept")!.Value.ShouldBe("text/nobodyknowsthis");
    }

    [Fact]
    public void Regaut01CarriesAnAuthorizationOfAnUnknownScheme()
    {
        ParseRequest(TortureMessages.Regaut01).Headers.First(SipHeaderNames.Authorization)!.Value
            .ShouldBe("NoOneKnowsThisScheme opaque-data=here");
    }

    [Fact]
    public void BcastReadsTheBroadcastViaOfAResponse()
    {
        var response = ParseResponse(TortureMessages.Bcast);

        response.Vias.Select(v => v.Host).ShouldBe(["192.0.2.198", "255.255.255.255"]);
    }

    [Fact]
    public void ZeromfReadsMaxForwardsOfZero() => ParseRequest(TortureMessages.Zeromf).MaxForwards.ShouldBe(0);

    [Fact]
    public void Cparam01GivesTheParameterOfAnUnbracketedContactToTheHeader()
    {
        var contact = ParseRequest(TortureMessages.Cparam01).Contacts.ShouldHaveSingleItem();

        contact.Parameters.Contains("unknownparam").ShouldBeTrue();
        contact.Uri.Sip().Parameters.Count.ShouldBe(0);
        contact.Uri.Sip().User.ShouldBe("+19725552222");
    }

    [Fact]
    public void Cparam02GivesTheParameterInsideTheBracketsToTheUri()
    {
        var contact = ParseRequest(TortureMessages.Cparam02).Contacts.ShouldHaveSingleItem();

        contact.Parameters.Count.ShouldBe(0);
        contact.Uri.Sip().Parameters.Contains("unknownparam").ShouldBeTrue();
    }

    [Fact]
    public void RegescrtReadsAnEscapedHeaderOfABracketedContactUri()
    {
        var uri = ParseRequest(TortureMessages.Regescrt).Contacts.ShouldHaveSingleItem().Uri.Sip();

        SipUri.Unescape(uri.Headers["Route"]!).ShouldBe("<sip:sip.example.com>");
    }

    [Fact]
    public void Inv2543AcceptsTheOlderFormWithoutBranchMaxForwardsOrFromTag()
    {
        var request = ParseRequest(TortureMessages.Inv2543);

        request.TopVia!.Branch.ShouldBeNull();
        request.TopVia.HasRfc3261Branch.ShouldBeFalse();
        request.MaxForwards.ShouldBeNull();
        request.From!.Tag.ShouldBeNull();
        request.To!.Parameters["user"].ShouldBe("phone");
        request.RecordRoutes.ShouldHaveSingleItem().Uri.Sip().Parameters["maddr"].ShouldBe("ss1.example.com");
    }

    [Fact]
    public void Ipv6ReferencesAreReadInTheRequestUriViaAndContact()
    {
        var request = ParseRequest(TortureMessages.Ipv6Good);

        request.RequestUri.Sip().Host.ShouldBe("[2001:db8::10]");
        request.RequestUri.Sip().Port.ShouldBeNull();
        request.TopVia!.Host.ShouldBe("[2001:db8::9:1]");
        request.Contacts.ShouldHaveSingleItem().Uri.Sip().Host.ShouldBe("[2001:db8::1]");
    }

    [Fact]
    public void APortLikeLastGroupInsideTheBracketsIsPartOfTheAddress()
    {
        var uri = ParseRequest(TortureMessages.PortAmbiguous).RequestUri.Sip();

        uri.Host.ShouldBe("[2001:db8::10:5070]");
        uri.Port.ShouldBeNull();
    }

    [Fact]
    public void APortAfterTheClosingBracketIsThePort()
    {
        var request = ParseRequest(TortureMessages.PortUnambiguous);

        (request.RequestUri.Sip().Host, request.RequestUri.Sip().Port).ShouldBe(("[2001:db8::10]", 5070));
        (request.TopVia!.Host, request.TopVia.Port).ShouldBe(("[2001:db8::9:1]", 5071));
    }

    [Fact]
    public void AViaReceivedIPv6AddressIsReadWithOrWithoutBrackets()
    {
        ParseRequest(TortureMessages.ViaReceivedWithDelimiter).TopVia!.Received.ShouldBe("[2001:db8::9:255]");
        ParseRequest(TortureMessages.ViaReceivedWithoutDelimiter).TopVia!.Received.ShouldBe("2001:db8::9:255");
        ParseRequest(TortureMessages.ViaReceivedWithoutDelimiter).TopVia!.Branch.ShouldBe("z9hG4bKrcvd2");
    }

    [Fact]
    public void AnIPv4MappedIPv6AddressIsAHost()
    {
        var request = ParseRequest(TortureMessages.Ipv4MappedIpv6);

        request.RequestUri.Sip().Host.ShouldBe("[::ffff:192.0.2.10]");
        request.TopVia!.Host.ShouldBe("[::ffff:192.0.2.128]");
        Encoding.ASCII.GetString(request.Body.Span).ShouldContain("c=IN IP6 ::ffff:192.0.2.128");
    }

    [Fact]
    public void IPv6AndIPv4AddressesSitSideBySideInViaAndRoute()
    {
        var request = ParseRequest(TortureMessages.MultipleAddressesInHeaders);

        request.Vias.Select(v => (v.Host, v.Port)).ShouldBe([("[2001:db8::9:1]", (int?)6050), ("192.0.2.1", null)]);
        request.Routes.Select(r => r.Uri.Sip().Host).ShouldBe(["[2001:db8::9:255]", "192.0.2.254"]);
    }

    [Fact]
    public void AnIPv6ReferenceWithAnEmbeddedIPv4AddressAfterTwoColonsIsValid()
    {
        ParseRequest(TortureMessages.Ipv6TwoColons).RequestUri.Sip().Host.ShouldBe("[2001:db8::192.0.2.1]");
    }
}
