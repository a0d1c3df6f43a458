using System.Collections.Immutable;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The proxies every request in a dialog passes through, taken once from Record-Route when the dialog
/// is created (RFC 3261 12.1). The first route decides loose or strict routing for the whole set.
/// </summary>
public sealed record RouteSet
{
    private RouteSet(ImmutableArray<NameAddress> routes) => Routes = routes;

    /// <summary>No proxies: requests go straight to the remote target.</summary>
    public static RouteSet Empty { get; } = new([]);

    /// <summary>The routes in the order a request visits them.</summary>
    public ImmutableArray<NameAddress> Routes { get; }

    public bool IsEmpty => Routes.IsEmpty;

    /// <summary>
    /// True when the first route lacks <c>;lr</c>: that proxy follows RFC 2543 and expects to find
    /// itself in the Request-URI.
    /// </summary>
    public bool IsStrict => !Routes.IsEmpty && Routes[0].Uri is not SipUri { IsLooseRouter: true };

    /// <summary>
    /// The route set seen from our side: a UAS keeps the Record-Route order of the request, a UAC
    /// reverses the order of the response, because Record-Route lists the proxies from the UAS outwards.
    /// </summary>
    public static RouteSet FromRecordRoute(SipMessage message, DialogRole role)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recorded = message.RecordRoutes.ToImmutableArray();
        return recorded.IsEmpty ? Empty : new RouteSet(role == DialogRole.Uac ? [.. recorded.Reverse()] : recorded);
    }

    /// <summary>Builds a route set from routes already in visiting order.</summary>
    public static RouteSet Of(params IEnumerable<NameAddress> routes)
    {
        var items = routes.ToImmutableArray();
        return items.IsEmpty ? Empty : new RouteSet(items);
    }

    /// <summary>
    /// Sets the Request-URI and Route headers of a request sent to <paramref name="remoteTarget"/>
    /// (RFC 3261 12.2.1.1). Loose: the target is the Request-URI and Route lists the set. Strict: the
    /// first route is the Request-URI, and Route lists the rest followed by the target.
    /// </summary>
    public SipRequest Apply(SipRequest request, MessageUri remoteTarget)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(remoteTarget);
        if (Routes.IsEmpty)
        {
            return (request with { RequestUri = remoteTarget }).WithRoutes();
        }

        if (!IsStrict)
        {
            return (request with { RequestUri = remoteTarget }).WithRoutes(Routes);
        }

        var rest = Routes.RemoveAt(0).Add(new NameAddress { Uri = remoteTarget });
        return (request with { RequestUri = AsRequestUri(Routes[0].Uri) }).WithRoutes(rest);
    }

    // A Request-URI may carry neither the method parameter nor headers (RFC 3261 19.1.1).
    private static MessageUri AsRequestUri(MessageUri uri) =>
        uri is SipUri sip ? sip with { Parameters = sip.Parameters.Remove("method"), Headers = SipParameters.Empty } : uri;
}
