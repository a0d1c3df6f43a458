namespace CallControl.Media.Sdp;

/// <summary>Why a body is not an SDP this stack accepts; every code means "malformed" (SIP 400 or 488).</summary>
public enum SdpErrorCode
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The body is empty.</summary>
    Empty,

    /// <summary>The body is larger than <see cref="SdpLimits.MaxBodyBytes"/>.</summary>
    TooLarge,

    /// <summary>A line is longer than <see cref="SdpLimits.MaxLineBytes"/>.</summary>
    LineTooLong,

    /// <summary>More than <see cref="SdpLimits.MaxLines"/> lines.</summary>
    TooManyLines,

    /// <summary>More than <see cref="SdpLimits.MaxMediaDescriptions"/> media descriptions.</summary>
    TooManyMedia,

    /// <summary>The body is not UTF-8, or a line holds a control character.</summary>
    InvalidCharacter,

    /// <summary>A line is not <c>&lt;letter&gt;=&lt;value&gt;</c>, or its letter is unknown or misplaced.</summary>
    InvalidLine,

    /// <summary>The first line is not <c>v=0</c>.</summary>
    InvalidVersion,

    /// <summary>The <c>o=</c> line is missing or malformed.</summary>
    InvalidOrigin,

    /// <summary>The <c>s=</c> line is missing.</summary>
    MissingSessionName,

    /// <summary>A <c>c=</c> line is malformed or repeated.</summary>
    InvalidConnection,

    /// <summary>A media description on a non-zero port has no <c>c=</c>, and neither has the session.</summary>
    MissingConnection,

    /// <summary>A <c>t=</c> line is malformed, or there is none.</summary>
    InvalidTiming,

    /// <summary>An <c>m=</c> line is malformed.</summary>
    InvalidMedia,

    /// <summary>An attribute this stack reads (rtpmap, fmtp, ptime, rtcp, direction) is malformed or repeated.</summary>
    InvalidAttribute,
}

/// <summary>A rejected body: what is wrong and on which line (1-based; 0 for the body as a whole).</summary>
public readonly record struct SdpError(SdpErrorCode Code, int Line, string Detail)
{
    /// <summary>No error.</summary>
    public static SdpError None => default;
}
