using System.Text;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// Canonical header names. Names are case-insensitive and several have a one-letter compact form;
/// both are mapped to the long form written here, which is how the writer sends them.
/// </summary>
public static class SipHeaderNames
{
    public const string Accept = "Accept";
    public const string AcceptContact = "Accept-Contact";
    public const string Allow = "Allow";
    public const string AllowEvents = "Allow-Events";
    public const string Authorization = "Authorization";
    public const string CallId = "Call-ID";
    public const string Contact = "Contact";
    public const string ContentEncoding = "Content-Encoding";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string CSeq = "CSeq";
    public const string Date = "Date";
    public const string Event = "Event";
    public const string Expires = "Expires";
    public const string From = "From";
    public const string Identity = "Identity";
    public const string IdentityInfo = "Identity-Info";
    public const string MaxForwards = "Max-Forwards";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string ProxyRequire = "Proxy-Require";
    public const string RecordRoute = "Record-Route";
    public const string ReferredBy = "Referred-By";
    public const string ReferTo = "Refer-To";
    public const string RejectContact = "Reject-Contact";
    public const string RequestDisposition = "Request-Disposition";
    public const string Require = "Require";
    public const string RetryAfter = "Retry-After";
    public const string Route = "Route";
    public const string SessionExpires = "Session-Expires";
    public const string Subject = "Subject";
    public const string Supported = "Supported";
    public const string Timestamp = "Timestamp";
    public const string To = "To";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Via = "Via";
    public const string Warning = "Warning";
    public const string WwwAuthenticate = "WWW-Authenticate";

    private static readonly string[] LongNames =
    [
        Accept, "Accept-Encoding", "Accept-Language", AcceptContact, "Alert-Info", Allow, AllowEvents,
        "Authentication-Info", Authorization, CallId, "Call-Info", Contact, "Content-Disposition",
        ContentEncoding, "Content-Language", ContentLength, ContentType, CSeq, Date, "Error-Info", Event,
        Expires, "Flow-Timer", From, Identity, IdentityInfo, "In-Reply-To", "Join", MaxForwards, "MIME-Version",
        "Min-Expires", "Min-SE", "Organization", "P-Asserted-Identity", "P-Preferred-Identity", "Path",
        "Priority", "Privacy", ProxyAuthenticate, ProxyAuthorization, ProxyRequire, "RAck", "Reason",
        RecordRoute, ReferredBy, ReferTo, RejectContact, "Replaces", "Reply-To", RequestDisposition, Require,
        RetryAfter, Route, "RSeq", "Server", "Service-Route", SessionExpires, "SIP-ETag", "SIP-If-Match",
        Subject, "Subscription-State", Supported, Timestamp, To, Unsupported, UserAgent, Via, Warning,
        WwwAuthenticate,
    ];

    private static readonly string[][] LongNamesByLength = GroupByLength(LongNames);

    /// <summary>The long name for a compact form (RFC 3261 7.3.3 and the extensions that define one).</summary>
    public static string? ExpandCompactForm(char compact) => char.ToLowerInvariant(compact) switch
    {
        'a' => AcceptContact,
        'b' => ReferredBy,
        'c' => ContentType,
        'd' => RequestDisposition,
        'e' => ContentEncoding,
        'f' => From,
        'i' => CallId,
        'j' => RejectContact,
        'k' => Supported,
        'l' => ContentLength,
        'm' => Contact,
        'n' => IdentityInfo,
        'o' => Event,
        'r' => ReferTo,
        's' => Subject,
        't' => To,
        'u' => AllowEvents,
        'v' => Via,
        'x' => SessionExpires,
        'y' => Identity,
        _ => null,
    };

    /// <summary>
    /// The canonical spelling of a header name: the long form for a known name in any case or compact
    /// form, and the name itself otherwise.
    /// </summary>
    public static string Canonicalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 1)
        {
            return ExpandCompactForm(name[0]) ?? name;
        }

        if (name.Length >= LongNamesByLength.Length)
        {
            return name;
        }

        foreach (var candidate in LongNamesByLength[name.Length])
        {
            if (ReferenceEquals(candidate, name) || Ascii.EqualsIgnoreCase(name, candidate))
            {
                return candidate;
            }
        }

        return name;
    }

    internal static string? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            return ExpandCompactForm((char)name[0]);
        }

        if (name.Length >= LongNamesByLength.Length)
        {
            return null;
        }

        foreach (var candidate in LongNamesByLength[name.Length])
        {
            if (Ascii.EqualsIgnoreCase(name, candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string[][] GroupByLength(string[] names)
    {
        var longest = names.Max(n => n.Length);
        var groups = new string[longest + 1][];
        for (var length = 0; length <= longest; length++)
        {
            groups[length] = names.Where(n => n.Length == length).ToArray();
        }

        return groups;
    }
}
