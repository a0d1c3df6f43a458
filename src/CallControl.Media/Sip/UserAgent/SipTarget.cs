using System.Globalization;
using System.Net;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>
/// Where a request goes: the first Route when it is a loose router, else the Request-URI. Only IP literals are
/// resolved (no DNS in this stack); the port defaults to 5060 and the transport to UDP unless
/// <c>transport=tcp</c> says otherwise.
/// </summary>
public static class SipTarget
{
    public const int DefaultPort = 5060;

    public static bool TryResolve(SipRequest request, out SipEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(request);
        var next = request.Routes is [{ Uri: SipUri { IsLooseRouter: true } route }, ..] ? route : request.RequestUri;
        return TryResolve(next, out destination);
    }

    public static bool TryResolve(MessageUri uri, out SipEndPoint destination)
    {
        destination = default;
        if (uri is not SipUri sip || !IPAddress.TryParse(sip.Host.Trim('[', ']'), out var address))
        {
            return false;
        }

        var endPoint = new IPEndPoint(address, sip.Port ?? DefaultPort);
        destination = string.Equals(sip.Transport, "tcp", StringComparison.OrdinalIgnoreCase)
            ? SipEndPoint.Tcp(endPoint)
            : SipEndPoint.Udp(endPoint);
        return true;
    }

    /// <summary>A <c>sip:</c> URI as given, or a telephone number (digits with an optional leading +) at the trunk.</summary>
    public static bool TryParseDestination(string target, IPEndPoint? trunk, out SipUri uri, out string error)
    {
        ArgumentNullException.ThrowIfNull(target);
        uri = null!;
        if (target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            if (MessageUri.TryParse(target, out var parsed) && parsed is SipUri sip)
            {
                uri = sip;
                error = string.Empty;
                return true;
            }

            error = $"'{target}' is not a SIP URI.";
            return false;
        }

        var digits = target.StartsWith('+') ? target[1..] : target;
        if (digits.Length is < 3 or > 15 || !digits.All(char.IsAsciiDigit))
        {
            error = $"'{target}' is neither a sip: URI nor a telephone number.";
            return false;
        }

        if (trunk is null)
        {
            error = "Calls to telephone numbers need a trunk (SipUserAgentOptions.Trunk).";
            return false;
        }

        uri = new SipUri
        {
            User = target,
            Host = HostText(trunk.Address),
            Port = trunk.Port,
            Parameters = SipParameters.Empty.Set("user", "phone"),
        };
        error = string.Empty;
        return true;
    }

    internal static string HostText(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    internal static string PortText(int port) => port.ToString(CultureInfo.InvariantCulture);
}
