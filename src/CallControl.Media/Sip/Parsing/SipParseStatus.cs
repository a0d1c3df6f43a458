namespace CallControl.Media.Sip.Parsing;

/// <summary>The outcome of one parse call.</summary>
public enum SipParseStatus
{
    /// <summary>The bytes so far are the start of a message; read more and call again.</summary>
    Incomplete,

    /// <summary>A whole, valid message was read.</summary>
    Complete,

    /// <summary>The bytes are not a valid message; see <see cref="SipParseError"/>.</summary>
    Invalid,
}
