using System.Net;
using CallControl.Media.Sip.Dialogs;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>Who the user agent says it is and where calls to telephone numbers go.</summary>
public sealed record SipUserAgentOptions
{
    /// <summary>The user part of our Contact and of the From of calls we place.</summary>
    public string User { get; init; } = "callcontrol";

    /// <summary>
    /// Where an E.164 number (<c>+15551234567</c>) is sent: a trunk's address, as <c>sip:{number}@trunk</c>.
    /// Null refuses calls to numbers.
    /// </summary>
    public IPEndPoint? Trunk { get; init; }

    /// <summary>The longest a call we place may ring without an answer before we cancel it.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Session timers (RFC 4028): the interval we ask for (1800 s by default) and the shortest we accept
    /// (Min-SE, 90 s by default); null turns them off. RFC 4028 forbids a Min-SE below 90 s: smaller values
    /// are for tests only, so that a refresh or an expiry happens within seconds.
    /// </summary>
    public SessionTimerOptions? SessionTimer { get; init; } = new();
}
