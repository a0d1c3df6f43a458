using System.Globalization;
using System.Net;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// Where responses go (RFC 3261 section 18.2.2 with RFC 3581): a received request's top Via gets
/// <c>received</c> when its host is not the source address and an empty <c>rport</c> gets the source port;
/// responses then go back over TCP on the request's connection, over UDP to received (or the host) and
/// rport (or the sent-by port).
/// </summary>
internal static class ResponseRouting
{
    private const int DefaultPort = 5060;

    /// <summary>The request with <c>received</c> and <c>rport</c> written into its top Via as the source calls for.</summary>
    public static SipRequest StampSource(SipRequest request, SipEndPoint source)
    {
        if (request.Headers.First(SipHeaderNames.Via) is not { Parsed: System.Collections.Immutable.ImmutableArray<Via> { IsEmpty: false } vias })
        {
            return request;
        }

        var top = vias[0];
        var parameters = top.Parameters;
        var address = source.EndPoint.Address;
        if (!TryParseAddress(top.Host, out var host) || !host.Equals(address))
        {
            parameters = parameters.Set("received", address.ToString());
        }

        if (top.HasRPort)
        {
            parameters = parameters.Set("rport", source.EndPoint.Port.ToString(CultureInfo.InvariantCulture));
        }

        if (ReferenceEquals(parameters, top.Parameters))
        {
            return request;
        }

        var stamped = vias.SetItem(0, top with { Parameters = parameters });
        var header = SipHeader.FromTyped(SipHeaderNames.Via, string.Join(", ", stamped), stamped);
        return request.WithHeaders(request.Headers.RemoveFirst(SipHeaderNames.Via).Prepend(header));
    }

    /// <summary>
    /// Where the responses to a request that arrived from <paramref name="source"/> go. The address is always
    /// the source's: it is either the sent-by host or what <c>received</c> says. Over UDP the port is the
    /// source port when the request asked for rport, else the sent-by port; over TCP it is the sent-by port,
    /// used only when the request's connection has closed and a new one must reach the peer's listener.
    /// </summary>
    public static SipEndPoint ReplyTo(Via via, SipEndPoint source)
    {
        if (source.Kind == SipTransportKind.Udp && via.HasRPort)
        {
            return source;
        }

        var port = via.Port is >= 1 and <= 65535 ? via.Port.Value : DefaultPort;
        return source with { EndPoint = new IPEndPoint(source.EndPoint.Address, port) };
    }

    /// <summary>The transport a Via names: UDP, or TCP for every stream transport token.</summary>
    public static SipTransportKind KindOf(Via via) =>
        string.Equals(via.Transport, "UDP", StringComparison.OrdinalIgnoreCase) ? SipTransportKind.Udp : SipTransportKind.Tcp;

    /// <summary>
    /// Where the responses to a request with this (stamped) top Via go over <paramref name="kind"/>: over TCP
    /// the port is the sent-by one, since a connection opened anew must reach the peer's listening port; over
    /// UDP rport wins. Null when the Via names no address (a host name with no <c>received</c>), which cannot
    /// be resolved here.
    /// </summary>
    public static SipEndPoint? Destination(Via via, SipTransportKind kind)
    {
        var reliable = kind == SipTransportKind.Tcp;
        if (!TryParseAddress(via.Received ?? via.Host, out var address))
        {
            return null;
        }

        var port = reliable ? via.Port ?? DefaultPort : via.RPort ?? via.Port ?? DefaultPort;
        if (port is < 1 or > 65535)
        {
            return null;
        }

        var endPoint = new IPEndPoint(address, port);
        return reliable ? SipEndPoint.Tcp(endPoint) : SipEndPoint.Udp(endPoint);
    }

    /// <summary>Reads an IP address, IPv6 with or without brackets.</summary>
    public static bool TryParseAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        var span = text.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }

        return IPAddress.TryParse(span, out address);
    }
}
