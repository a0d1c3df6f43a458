namespace CallControl.Media.Sip.Parsing;

/// <summary>Why a message was rejected.</summary>
public enum SipParseErrorKind
{
    /// <summary>A datagram with nothing but line breaks.</summary>
    Empty,

    /// <summary>The Request-Line or Status-Line does not fit the grammar (spacing, URI, status code).</summary>
    BadStartLine,

    /// <summary>A SIP version other than 2.0; a request gets 505.</summary>
    UnsupportedVersion,

    /// <summary>A header line without a name and colon, or a continuation line with no header before it.</summary>
    BadHeaderLine,

    /// <summary>A header this stack reads has a value that does not fit its grammar.</summary>
    BadHeaderValue,

    /// <summary>One of Via, From, To, Call-ID or CSeq is missing.</summary>
    MissingHeader,

    /// <summary>A header allowed once (From, To, Call-ID, CSeq, Max-Forwards, Content-Type) appears more than once.</summary>
    DuplicateHeader,

    /// <summary>The CSeq method differs from the request's method.</summary>
    MethodMismatch,

    /// <summary>Content-Length is not a number, is negative, or appears more than once.</summary>
    BadContentLength,

    /// <summary>A message on a stream has no Content-Length, so its end cannot be known.</summary>
    MissingContentLength,

    /// <summary>A datagram holds fewer body bytes than Content-Length says.</summary>
    BodyTruncated,

    /// <summary>A datagram ends before the empty line that closes the headers.</summary>
    UnterminatedHeaders,

    /// <summary>Past <see cref="SipLimits.MaxMessageSize"/>; a request gets 513.</summary>
    MessageTooLarge,

    /// <summary>A start line past <see cref="SipLimits.MaxStartLineLength"/>.</summary>
    StartLineTooLong,

    /// <summary>A header field past <see cref="SipLimits.MaxHeaderFieldLength"/>.</summary>
    HeaderTooLong,

    /// <summary>More than <see cref="SipLimits.MaxHeaderCount"/> header fields.</summary>
    TooManyHeaders,
}
