using System.Diagnostics.CodeAnalysis;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// A Refer-To value (RFC 3515 section 2.1): where the REFER sends us, and the Replaces header embedded
/// in its URI when the transfer is attended (RFC 3891 section 4).
/// </summary>
public sealed record ReferTo
{
    /// <summary>The URI to send the new INVITE to, without the embedded Replaces.</summary>
    public required MessageUri Target { get; init; }

    /// <summary>The dialog the new INVITE should replace, or null.</summary>
    public ReplacesHeader? Replaces { get; init; }

    /// <summary>
    /// Reads the Refer-To header of a request; false when it is absent, repeated or not an address, or its
    /// embedded Replaces is unreadable.
    /// </summary>
    public static bool TryRead(SipRequest request, [NotNullWhen(true)] out ReferTo? referTo)
    {
        ArgumentNullException.ThrowIfNull(request);
        referTo = null;
        var headers = request.Headers.All(SipHeaderNames.ReferTo).ToList();
        return headers.Count == 1 && TryParse(headers[0].Value, out referTo);
    }

    /// <summary>Reads a Refer-To value written as in a message.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ReferTo? referTo)
    {
        ArgumentNullException.ThrowIfNull(text);
        referTo = null;
        if (!SipHeaderValues.TryParseNameAddress(Encoding.UTF8.GetBytes(text), allowAddrSpec: true, out var address))
        {
            return false;
        }

        if (address.Uri is not SipUri { Headers.Count: > 0 } sip || !sip.Headers.Contains(ReplacesHeader.HeaderName))
        {
            referTo = new ReferTo { Target = address.Uri };
            return true;
        }

        if (!ReplacesHeader.TryParse(SipUri.Unescape(sip.Headers[ReplacesHeader.HeaderName] ?? string.Empty), out var replaces))
        {
            return false;
        }

        referTo = new ReferTo
        {
            Target = sip with { Headers = sip.Headers.Remove(ReplacesHeader.HeaderName) },
            Replaces = replaces,
        };
        return true;
    }

    /// <summary>The value as written in a message, the Replaces escaped into the URI's headers.</summary>
    public override string ToString()
    {
        var uri = Target;
        if (Replaces is not null && Target is SipUri sip)
        {
            uri = sip with { Headers = sip.Headers.Set(ReplacesHeader.HeaderName, Replaces.ToUriHeaderValue()) };
        }

        return new NameAddress { Uri = uri }.ToString();
    }
}
