using Microsoft.Extensions.Logging;

namespace CallControl.Media.Sip.Transport;

public sealed partial class SipTransport
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SIP transport listening on {Local}")]
    private static partial void LogListening(ILogger logger, SipEndPoint local);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP datagram from {Remote} to {Local} dropped: {Reason}")]
    private static partial void LogDatagramDropped(ILogger logger, SipEndPoint local, SipEndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP UDP socket {Local} failed to receive; it goes on receiving")]
    private static partial void LogUdpFailed(ILogger logger, SipEndPoint local, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP send to {Remote} failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, SipEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP TCP listener {Local} failed to accept")]
    private static partial void LogAcceptFailed(ILogger logger, SipEndPoint local, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP TCP connection at {EndPoint} refused: {Limit} connections are open")]
    private static partial void LogConnectionLimit(ILogger logger, SipEndPoint endPoint, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP TCP connection to {Remote} could not be opened: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, SipEndPoint remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP TCP connection {Connection} opened")]
    private static partial void LogConnectionOpened(ILogger logger, SipConnection connection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP TCP connection {Connection} closed")]
    private static partial void LogConnectionClosed(ILogger logger, SipConnection connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIP TCP connection {Connection} closed on {Reason}")]
    private static partial void LogUnframeable(ILogger logger, SipConnection connection, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "SIP TCP connection {Connection} failed while reading")]
    private static partial void LogReadFailed(ILogger logger, SipConnection connection, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP TCP connection {Connection} closed after being idle")]
    private static partial void LogIdle(ILogger logger, SipConnection connection);
}
