using System.Text;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Tests.Sip.Dialogs;

/// <summary>Messages of one call between alice (the caller) and bob, parsed from text.</summary>
internal static class DialogMessages
{
    public static readonly NameAddress AliceContact = new() { Uri = MessageUri.Parse("sip:alice@192.0.2.10:5060") };
    public static readonly NameAddress BobContact = new() { Uri = MessageUri.Parse("sip:bob@192.0.2.20:5060") };

    public static SipRequest Request(string text) => Parse(text).ShouldBeOfType<SipRequest>();

    public static SipResponse Response(string text) => Parse(text).ShouldBeOfType<SipResponse>();

    /// <summary>Alice's INVITE as bob receives it, through two record-routing proxies.</summary>
    public static SipRequest Invite(uint cseq = 314159, string? body = null) => Request(
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKa1\r\n"
        + "Record-Route: <sip:p2.example.com;lr>\r\n"
        + "Record-Route: <sip:p1.example.com;lr>\r\n"
        + "Max-Forwards: 68\r\n"
        + "To: Bob <sip:bob@example.com>\r\n"
        + "From: Alice <sip:alice@example.com>;tag=alice-tag\r\n"
        + "Call-ID: call-1@192.0.2.10\r\n"
        + $"CSeq: {cseq} INVITE\r\n"
        + "Contact: <sip:alice@192.0.2.10:5060>\r\n"
        + "Allow: INVITE, ACK, BYE, UPDATE, REFER, NOTIFY\r\n"
        + "Supported: timer\r\n"
        + (body is null ? "Content-Length: 0\r\n\r\n" : $"Content-Type: application/sdp\r\nContent-Length: {body.Length}\r\n\r\n{body}"));

    /// <summary>Bob's response to alice's INVITE as alice receives it.</summary>
    public static SipResponse InviteResponse(int status, string toTag = "bob-tag", uint cseq = 314159, string contact = "sip:bob@192.0.2.20:5060") => Response(
        $"SIP/2.0 {status} {SipReasonPhrases.For(status)}\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKa1\r\n"
        + "Record-Route: <sip:p2.example.com;lr>\r\n"
        + "Record-Route: <sip:p1.example.com;lr>\r\n"
        + $"To: Bob <sip:bob@example.com>;tag={toTag}\r\n"
        + "From: Alice <sip:alice@example.com>;tag=alice-tag\r\n"
        + "Call-ID: call-1@192.0.2.10\r\n"
        + $"CSeq: {cseq} INVITE\r\n"
        + $"Contact: <{contact}>\r\n"
        + "Allow: INVITE, ACK, BYE, UPDATE\r\n"
        + "Content-Length: 0\r\n\r\n");

    /// <summary>Alice's view: the dialog her INVITE created with bob.</summary>
    public static SipDialog AliceDialog(int status = 200, Random? random = null) =>
        SipDialog.CreateAsUac(Invite(), InviteResponse(status), AliceContact, random);

    /// <summary>Bob's view: the dialog alice's INVITE created, confirmed by his 200.</summary>
    public static SipDialog BobDialog(Random? random = null, bool confirm = true)
    {
        var invite = Invite();
        var dialog = SipDialog.CreateAsUas(invite, "bob-tag", BobContact, random);
        if (confirm)
        {
            dialog.CreateResponse(invite, 200);
        }

        return dialog;
    }

    /// <summary>A request alice sends to bob in the dialog, as bob receives it.</summary>
    public static SipRequest FromAlice(string method, uint cseq, string extraHeaders = "", string toTag = "bob-tag") => Request(
        $"{method} sip:bob@192.0.2.20:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK" + method + cseq + "\r\n"
        + "Max-Forwards: 70\r\n"
        + $"To: Bob <sip:bob@example.com>;tag={toTag}\r\n"
        + "From: Alice <sip:alice@example.com>;tag=alice-tag\r\n"
        + "Call-ID: call-1@192.0.2.10\r\n"
        + $"CSeq: {cseq} {method}\r\n"
        + extraHeaders
        + "Content-Length: 0\r\n\r\n");

    /// <summary>A response bob sends to a request alice made in the dialog, as alice receives it.</summary>
    public static SipResponse ToAlice(SipRequest request, int status, string extraHeaders = "")
    {
        var response = SipResponse.Create(request, status);
        foreach (var line in extraHeaders.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            response = response.AddHeader(line[..colon], line[(colon + 1)..].Trim());
        }

        return response;
    }

    private static SipMessage Parse(string text)
    {
        var result = SipParser.Parse(Encoding.UTF8.GetBytes(text));
        result.Error.ShouldBeNull();
        return result.Message.ShouldNotBeNull();
    }
}
