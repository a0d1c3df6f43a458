namespace CallControl.Media.Sip.Parsing;

/// <summary>
/// Bounds on what the parser accepts, so one peer cannot make it hold or scan unbounded input. A
/// message past any of them is <see cref="SipParseStatus.Invalid"/>.
/// </summary>
public static class SipLimits
{
    /// <summary>A whole message, start line to the end of the body: 64 KiB, the largest UDP payload.</summary>
    public const int MaxMessageSize = 64 * 1024;

    /// <summary>The Request-Line or Status-Line, without its CRLF.</summary>
    public const int MaxStartLineLength = 8 * 1024;

    /// <summary>One header field, name to the end of its last folded line.</summary>
    public const int MaxHeaderFieldLength = 16 * 1024;

    /// <summary>Header fields in one message (a field holding a comma-separated list counts once).</summary>
    public const int MaxHeaderCount = 256;
}
