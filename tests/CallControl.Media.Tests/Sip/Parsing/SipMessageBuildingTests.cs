using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using static CallControl.Media.Tests.Sip.Parsing.ParsingHelpers;

namespace CallControl.Media.Tests.Sip.Parsing;

public sealed class SipMessageBuildingTests
{
    private static readonly SipRequest Invite = ParseRequest(SipText.Message("""
        INVITE sip:agent@example.com SIP/2.0
        Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1, SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKu1;rport=5062
        Record-Route: <sip:proxy.example.com;lr>
        Max-Forwards: 69
        From: "Caller" <sip:caller@example.com>;tag=c1
        To: <sip:agent@example.com>
        Call-ID: build-1@192.0.2.4
        CSeq: 7 INVITE
        Contact: <sip:caller@192.0.2.4>
        Content-Type: application/sdp
        Content-Length: $LEN$
        """, TortureMessages.Sdp));

    [Fact]
    public void AResponseCopiesViaFromToCallIdAndCSeqAndAddsTheToTag()
    {
        var response = SipResponse.Create(Invite, 180, toTag: "a1");

        response.StatusCode.ShouldBe(180);
        response.ReasonPhrase.ShouldBe("Ringing");
        response.Headers.Select(h => h.Name).ShouldBe(["Via", "From", "To", "Call-ID", "CSeq"]);
        response.Vias.ShouldBe(Invite.Vias);
        response.From.ShouldBe(Invite.From);
        response.To.ShouldBe(Invite.To!.WithTag("a1"));
        response.CallId.ShouldBe(Invite.CallId);
        response.CSeq.ShouldBe(Invite.CSeq);
        response.Body.Length.ShouldBe(0);
    }

    [Fact]
    public void AResponseKeepsAToTagTheRequestAlreadyHas()
    {
        var inDialog = Invite.WithToTag("existing");

        SipResponse.Create(inDialog, 200, toTag: "other").To!.Tag.ShouldBe("existing");
    }

    [Fact]
    public void A100TryingWithoutATagLeavesToAsReceived()
    {
        var trying = SipResponse.Create(Invite, 100);

        trying.Headers.First(SipHeaderNames.To).ShouldBe(Invite.Headers.First(SipHeaderNames.To));
        trying.ReasonPhrase.ShouldBe("Trying");
    }

    [Fact]
    public void ABuiltResponseIsWrittenAndReadBackWithTheSameValues()
    {
        var ok = SipResponse.Create(Invite, 200, toTag: "a1")
            .WithContacts(new NameAddress { Uri = MessageUri.Parse("sip:agent@192.0.2.9:5080;transport=tcp") })
            .WithBody(Encoding.ASCII.GetBytes(TortureMessages.Sdp), "application/sdp");

        var parsed = ParseResponse(SipWriter.ToArray(ok));

        parsed.ShouldBe(ok);
        parsed.Contacts.ShouldHaveSingleItem().Uri.Sip().Transport.ShouldBe("tcp");
        parsed.ContentLength.ShouldBe(ok.Body.Length);
    }

    [Fact]
    public void PrependViaPutsTheNewHopOnTopOfTheOthers()
    {
        var via = new Via { Transport = "TCP", Host = "192.0.2.50", Port = 5070, Parameters = SipParameters.Of(new SipParameter("branch", "z9hG4bKnew")) };

        var forwarded = Invite.PrependVia(via);

        forwarded.TopVia.ShouldBe(via);
        forwarded.Vias.Skip(1).ShouldBe(Invite.Vias);
        forwarded.Headers[0].Value.ShouldBe("SIP/2.0/TCP 192.0.2.50:5070;branch=z9hG4bKnew");
    }

    [Fact]
    public void WithHeaderReplacesEveryHeaderOfThatNameAtTheFirstOnesPlace()
    {
        var request = Invite.AddHeader("X-Tracker", "one").AddHeader("Subject", "s").AddHeader("x-tracker", "two");

        var replaced = request.WithHeader("X-TRACKER", "three");

        replaced.Headers.All("x-tracker").Select(h => h.Value).ShouldBe(["three"]);
        replaced.Headers.Select(h => h.Name).TakeLast(2).ShouldBe(["X-TRACKER", "Subject"]);
    }

    [Fact]
    public void RemoveHeaderAcceptsTheCompactForm()
    {
        Invite.RemoveHeader("m").Contacts.ShouldBeEmpty();
        Invite.RemoveHeader("m").Headers.Contains("Contact").ShouldBeFalse();
    }

    [Fact]
    public void TypedSettersReplaceTheirHeaders()
    {
        var request = SipRequest.Create(SipMethod.Bye, MessageUri.Parse("sip:agent@192.0.2.9"))
            .WithFrom(Invite.From!)
            .WithTo(Invite.To!.WithTag("t9"))
            .WithCallId("bye-1@example.com")
            .WithCSeq(new CSeq(8, SipMethod.Bye))
            .WithMaxForwards(70)
            .WithRoutes(Invite.RecordRoutes)
            .WithCSeq(new CSeq(9, SipMethod.Bye))
            .PrependVia(new Via { Transport = "UDP", Host = "192.0.2.4", Parameters = SipParameters.Of(new SipParameter("branch", "z9hG4bKbye")) });

        request.CSeq.ShouldBe(new CSeq(9, SipMethod.Bye));
        request.Headers.CountOf(SipHeaderNames.CSeq).ShouldBe(1);
        request.Routes.ShouldBe(Invite.RecordRoutes);
        request.To!.Tag.ShouldBe("t9");
        request.MaxForwards.ShouldBe(70);
        ParseRequest(SipWriter.ToArray(request)).RemoveHeader(SipHeaderNames.ContentLength).ShouldBe(request);
    }

    [Fact]
    public void WithBodyWithoutAContentTypeRemovesTheOldOne()
    {
        var bare = Invite.WithBody(ReadOnlyMemory<byte>.Empty, null);

        bare.ContentType.ShouldBeNull();
        bare.ContentLength.ShouldBe(0);
        bare.Body.Length.ShouldBe(0);
    }

    [Fact]
    public void AHeaderValueCannotCarryALineBreak()
    {
        Should.Throw<ArgumentException>(() => new SipHeader("X-Evil", "a\r\nVia: injected"));
        Should.Throw<ArgumentException>(() => new SipHeader("Bad Name", "a"));
    }

    [Fact]
    public void AKnownHeaderIsCheckedWhenMadeFromText()
    {
        Should.Throw<ArgumentException>(() => new SipHeader("CSeq", "one INVITE"));
        Should.Throw<ArgumentException>(() => new SipHeader("Max-Forwards", "256"));
        new SipHeader("cseq", "2 ACK").Name.ShouldBe("CSeq");
    }

    [Fact]
    public void DisplayNamesAndReasonPhrasesCannotCarryALineBreak()
    {
        Should.Throw<ArgumentException>(() => new NameAddress { DisplayName = "a\nb", Uri = new OpaqueUri("tel", "+1") });
        Should.Throw<ArgumentException>(() => new SipResponse { StatusCode = 200, ReasonPhrase = "OK\r\nVia: x" });
    }

    [Fact]
    public void AMethodMustBeATokenAndKnownMethodsAreShared()
    {
        Should.Throw<ArgumentException>(() => SipMethod.Parse("IN VITE"));
        SipMethod.Parse("INVITE").ShouldBe(SipMethod.Invite);
        SipMethod.Parse("INVITE").IsKnown.ShouldBeTrue();
        SipMethod.Parse("invite").ShouldNotBe(SipMethod.Invite);
    }

    [Fact]
    public void AUserPartIsEscapedWhereItMustBe()
    {
        var user = SipUri.EscapeUser("a b@c:d;e");

        user.ShouldBe("a%20b%40c%3Ad;e");
        SipUri.Unescape(user).ShouldBe("a b@c:d;e");
    }

    [Fact]
    public void HeaderLookupsTakeAnyCaseAndTheCompactForm()
    {
        Invite.Headers.First("call-id").ShouldBe(Invite.Headers.First("i"));
        Invite.Headers.First("I")!.Value.ShouldBe("build-1@192.0.2.4");
        SipHeaderNames.Canonicalize("WWW-authenticate").ShouldBe("WWW-Authenticate");
        SipHeaderNames.Canonicalize("X-Mine").ShouldBe("X-Mine");
    }
}
