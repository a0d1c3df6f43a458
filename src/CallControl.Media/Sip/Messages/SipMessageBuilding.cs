using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// Returns changed copies of a message, keeping its type: set, add or remove headers, the typed
/// headers every transaction touches, and the body (which keeps Content-Length right).
/// </summary>
public static class SipMessageBuilding
{
    /// <summary>Replaces every header of that name with one header (in the first one's place).</summary>
    public static T WithHeader<T>(this T message, string name, string value)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Set(new SipHeader(name, value)));

    /// <summary>Appends a header.</summary>
    public static T AddHeader<T>(this T message, string name, string value)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Add(new SipHeader(name, value)));

    /// <summary>Removes every header of that name.</summary>
    public static T RemoveHeader<T>(this T message, string name)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Remove(name));

    /// <summary>Replaces the whole header list.</summary>
    public static T WithHeaders<T>(this T message, SipHeaderList headers)
        where T : SipMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(headers);
        SipMessage copy = message with { Headers = headers };
        return (T)copy;
    }

    /// <summary>Puts a new Via on top, as a client transaction does before sending.</summary>
    public static T PrependVia<T>(this T message, Via via)
        where T : SipMessage
    {
        ArgumentNullException.ThrowIfNull(via);
        var header = SipHeader.FromTyped(SipHeaderNames.Via, via.ToString(), ImmutableArray.Create(via));
        return message.WithHeaders(message.Headers.Prepend(header));
    }

    public static T WithFrom<T>(this T message, NameAddress from)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Set(NameAddressHeader(SipHeaderNames.From, from)));

    public static T WithTo<T>(this T message, NameAddress to)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Set(NameAddressHeader(SipHeaderNames.To, to)));

    /// <summary>Sets the To tag, as a UAS does on the responses of a dialog.</summary>
    /// <exception cref="InvalidOperationException">The message has no readable To header.</exception>
    public static T WithToTag<T>(this T message, string tag)
        where T : SipMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        var to = message.To ?? throw new InvalidOperationException("The message has no readable To header.");
        return message.WithTo(to.WithTag(tag));
    }

    public static T WithCallId<T>(this T message, string callId)
        where T : SipMessage =>
        message.WithHeader(SipHeaderNames.CallId, callId);

    public static T WithCSeq<T>(this T message, CSeq cseq)
        where T : SipMessage =>
        message.WithHeaders(message.Headers.Set(SipHeader.FromTyped(SipHeaderNames.CSeq, cseq.ToString(), cseq)));

    public static T WithMaxForwards<T>(this T message, int maxForwards)
        where T : SipMessage
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxForwards);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxForwards, 255);
        var text = maxForwards.ToString(CultureInfo.InvariantCulture);
        return message.WithHeaders(message.Headers.Set(SipHeader.FromTyped(SipHeaderNames.MaxForwards, text, maxForwards)));
    }

    /// <summary>Replaces the Contact headers with one header listing the given addresses.</summary>
    public static T WithContacts<T>(this T message, params IEnumerable<NameAddress> contacts)
        where T : SipMessage
    {
        var items = contacts.ToImmutableArray();
        var headers = message.Headers.Remove(SipHeaderNames.Contact);
        return items.IsEmpty
            ? message.WithHeaders(headers)
            : message.WithHeaders(headers.Set(ListHeader(SipHeaderNames.Contact, items, new ContactValues(false, items))));
    }

    /// <summary>Replaces the Route headers with one header listing the given route set, in order.</summary>
    public static T WithRoutes<T>(this T message, params IEnumerable<NameAddress> routes)
        where T : SipMessage
    {
        var items = routes.ToImmutableArray();
        var headers = message.Headers.Remove(SipHeaderNames.Route);
        return items.IsEmpty
            ? message.WithHeaders(headers)
            : message.WithHeaders(headers.Set(ListHeader(SipHeaderNames.Route, items, items)));
    }

    /// <summary>
    /// Sets the body with its Content-Type (removed when null) and a matching Content-Length.
    /// </summary>
    public static T WithBody<T>(this T message, ReadOnlyMemory<byte> body, string? contentType)
        where T : SipMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = contentType is null
            ? message.Headers.Remove(SipHeaderNames.ContentType)
            : message.Headers.Set(new SipHeader(SipHeaderNames.ContentType, contentType));
        var length = body.Length.ToString(CultureInfo.InvariantCulture);
        headers = headers.Set(SipHeader.FromTyped(SipHeaderNames.ContentLength, length, body.Length));
        SipMessage copy = message with { Headers = headers, Body = body };
        return (T)copy;
    }

    internal static SipHeader NameAddressHeader(string name, NameAddress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SipHeader.FromTyped(name, value.ToString(), value);
    }

    private static SipHeader ListHeader(string name, ImmutableArray<NameAddress> items, object parsed)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            item.AppendTo(text);
        }

        return SipHeader.FromTyped(name, text.ToString(), parsed);
    }
}
