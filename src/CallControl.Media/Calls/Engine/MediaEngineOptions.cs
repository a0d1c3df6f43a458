using System.Net;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Calls.Engine;

/// <summary>Where the engine listens and how its media behaves.</summary>
public sealed record MediaEngineOptions
{
    /// <summary>The SIP listening sockets (UDP and TCP); port 0 takes a free port.</summary>
    public required IReadOnlyList<SipEndPoint> SipListenOn { get; init; }

    /// <summary>The address RTP sockets are bound to.</summary>
    public required IPAddress MediaAddress { get; init; }

    /// <summary>RTP/RTCP port pairs come from here; a call that finds none free is declined (503) or not placed.</summary>
    public required RtpPortRange MediaPorts { get; init; }

    /// <summary>
    /// The address our SDP names for media, when it differs from <see cref="MediaAddress"/> (a NAT or a relay
    /// in front of the worker forwards the same ports); <see cref="MediaAddress"/> when null.
    /// </summary>
    public IPAddress? AdvertisedMediaAddress { get; init; }

    /// <summary>Music on hold: a mono 8 kHz WAV (PCM, μ-law or A-law) played in a loop; a generated tone pattern when null.</summary>
    public string? MusicOnHoldPath { get; init; }

    /// <summary>Symmetric RTP: whether to send to where a far end's packets come from rather than to its SDP address.</summary>
    public SymmetricRtp Latching { get; init; } = SymmetricRtp.Auto;

    /// <summary>A connected leg whose far end sends no RTP this long (while not on hold) is ended <c>gone</c>.</summary>
    public TimeSpan InactivityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a far end that asked for a transfer (REFER) may take to hang up after hearing it worked; then we do.</summary>
    public TimeSpan ReferrerHangupGrace { get; init; } = TimeSpan.FromSeconds(2);

    public SipUserAgentOptions UserAgent { get; init; } = new();
}
