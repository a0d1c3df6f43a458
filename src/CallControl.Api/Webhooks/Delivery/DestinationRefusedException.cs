using System.Net;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>
/// <see cref="DestinationPolicy"/> would not let a delivery reach its URL: not an http(s) URL it accepts, or a host
/// that resolves to a loopback, private or otherwise non-public address. It is an <see cref="HttpRequestException"/>,
/// so code that treats transport failures alike still catches it; the message names the address class.
/// </summary>
public sealed class DestinationRefusedException : HttpRequestException
{
    public DestinationRefusedException(string reason, string host, IPAddress? address)
        : base(HttpRequestError.ConnectionError, reason)
    {
        Host = host;
        Address = address;
    }

    public string Host { get; }

    /// <summary>The refused address, or null when the URL itself was refused.</summary>
    public IPAddress? Address { get; }
}
