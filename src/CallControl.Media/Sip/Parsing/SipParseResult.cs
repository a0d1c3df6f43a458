using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>The outcome of parsing one datagram: a message when Complete, an error when Invalid.</summary>
public readonly record struct SipParseResult(SipParseStatus Status, SipMessage? Message, SipParseError? Error);
