using System.Globalization;
using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The implicit subscription a REFER we accepted creates (RFC 3515, RFC 6665): the NOTIFYs that report
/// the referred request's progress as message/sipfrag, from <c>100 Trying</c> to a final status that
/// ends the subscription. With <c>Refer-Sub: false</c> (RFC 4488) there is no subscription and no NOTIFY.
/// </summary>
public sealed class ReferSubscription
{
    public const string EventPackage = "refer";
    public const string ReferSubHeader = "Refer-Sub";
    public const string NoReferSubOptionTag = "norefersub";
    public const string SipFragContentType = "message/sipfrag;version=2.0";
    public const string SubscriptionStateHeader = "Subscription-State";

    /// <summary>How long an implicit subscription lasts unless the REFER asked otherwise.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);

    private ReferSubscription(SipDialog dialog, uint referSequence, bool needsId, DateTimeOffset expiresAt)
    {
        Dialog = dialog;
        ReferSequence = referSequence;
        NeedsId = needsId;
        ExpiresAt = expiresAt;
    }

    public SipDialog Dialog { get; }

    /// <summary>The CSeq number of the REFER, which is the subscription's id.</summary>
    public uint ReferSequence { get; }

    /// <summary>True when the REFER was not the first in the dialog, so Event carries <c>;id=</c>.</summary>
    public bool NeedsId { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>True once the final NOTIFY was built.</summary>
    public bool IsTerminated { get; private set; }

    /// <summary>The Event header value of our NOTIFYs.</summary>
    public string Event => NeedsId
        ? string.Create(CultureInfo.InvariantCulture, $"{EventPackage};id={ReferSequence}")
        : EventPackage;

    /// <summary>
    /// Accepts a REFER that <paramref name="dialog"/> has let through: a 202 response, and the
    /// subscription unless the REFER said <c>Refer-Sub: false</c>, which the 202 then confirms. An
    /// <c>Expires</c> on the REFER sets the subscription's length.
    /// </summary>
    /// <exception cref="ArgumentException">The request is not a REFER with a CSeq.</exception>
    public static (SipResponse Response, ReferSubscription? Subscription) Accept(SipDialog dialog, SipRequest refer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(refer);
        if (refer is not { Method.Name: "REFER", CSeq: { } cseq })
        {
            throw new ArgumentException("Only a REFER is accepted here.", nameof(refer));
        }

        var response = dialog.CreateResponse(refer, 202);
        if (refer.Headers.First(ReferSubHeader) is { } referSub && referSub.Value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return (response.WithHeader(ReferSubHeader, "false"), null);
        }

        var duration = refer.Headers.First(SipHeaderNames.Expires) is { } expires
            && int.TryParse(expires.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : DefaultDuration;
        var subscription = new ReferSubscription(dialog, cseq.Number, dialog.RefersReceived > 1, now + duration);
        return (response, subscription);
    }

    /// <summary>
    /// The NOTIFY reporting the referred request's status as a sipfrag status line. A provisional status
    /// keeps the subscription active with the seconds left; a final one, or an expired subscription,
    /// terminates it (reason noresource or timeout).
    /// </summary>
    /// <exception cref="InvalidOperationException">The subscription already ended.</exception>
    public SipRequest CreateNotify(int statusCode, DateTimeOffset now, string? reasonPhrase = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        if (IsTerminated)
        {
            throw new InvalidOperationException("The refer subscription has ended.");
        }

        var left = (int)Math.Ceiling((ExpiresAt - now).TotalSeconds);
        string state;
        if (statusCode >= 200 || left <= 0)
        {
            IsTerminated = true;
            state = left <= 0 && statusCode < 200 ? "terminated;reason=timeout" : "terminated;reason=noresource";
        }
        else
        {
            state = string.Create(CultureInfo.InvariantCulture, $"active;expires={left}");
        }

        var fragment = string.Create(
            CultureInfo.InvariantCulture, $"SIP/2.0 {statusCode} {reasonPhrase ?? SipReasonPhrases.For(statusCode)}\r\n");
        return Dialog.CreateRequest(SipMethod.Notify)
            .WithHeader(SipHeaderNames.Event, Event)
            .WithHeader(SubscriptionStateHeader, state)
            .WithBody(Encoding.UTF8.GetBytes(fragment), SipFragContentType);
    }

    /// <summary>
    /// Builds a REFER in <paramref name="dialog"/> (RFC 3515): Refer-To, Referred-By when given, and
    /// <c>Refer-Sub: false</c> with <c>Supported: norefersub</c> when we want no NOTIFYs (RFC 4488).
    /// </summary>
    public static SipRequest CreateRefer(SipDialog dialog, ReferTo referTo, NameAddress? referredBy = null, bool withoutSubscription = false)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(referTo);
        var refer = dialog.CreateRequest(SipMethod.Refer).WithHeader(SipHeaderNames.ReferTo, referTo.ToString());
        if (referredBy is not null)
        {
            refer = refer.WithHeader(SipHeaderNames.ReferredBy, referredBy.ToString());
        }

        return withoutSubscription
            ? refer.WithHeader(ReferSubHeader, "false").AddHeader(SipHeaderNames.Supported, NoReferSubOptionTag)
            : refer;
    }
}
