using System.Net;

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
}
