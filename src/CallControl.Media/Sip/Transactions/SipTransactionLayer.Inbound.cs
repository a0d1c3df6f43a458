using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// From bytes to transactions: parse (a UDP datagram is one message; the TCP transport has already cut the
/// stream into messages), answer what cannot be handled statelessly, match the rest (RFC 3261 section
/// 17.1.3 and 17.2.3) and hand it to a transaction or the user. Nothing thrown here leaves the method.
/// </summary>
public sealed partial class SipTransactionLayer
{
    internal void Receive(InboundSipMessage message, bool overloaded)
    {
        try
        {
            Receive(message.Bytes, message.Remote, message.Connection, overloaded);
        }
        catch (ObjectDisposedException exception)
        {
            LogInboundFailed(_logger, message.Remote, exception);
        }
    }

    /// <summary>Handles one message's bytes as received from <paramref name="remote"/>.</summary>
    internal void Receive(ReadOnlyMemory<byte> bytes, SipEndPoint remote, SipConnection? connection, bool overloaded = false)
    {
        try
        {
            var (status, message, error) = Parse(bytes, remote.Kind);
            switch (status)
            {
                case SipParseStatus.Complete when message is SipRequest request:
                    if (overloaded)
                    {
                        RejectOverloaded(request, remote, connection);
                    }
                    else
                    {
                        OnRequest(request, remote, connection);
                    }

                    break;
                case SipParseStatus.Complete when message is SipResponse response && !overloaded:
                    OnResponse(response, remote);
                    break;
                case SipParseStatus.Invalid when error is { CanRespond: true } && !overloaded:
                    LogInvalidAnswered(_logger, remote, error.Kind, error.Detail);
                    RespondStatelessly(error.CreateResponse(SipIdentifiers.NewTag())!, remote, connection);
                    break;
                case SipParseStatus.Invalid when error is not null:
                    LogInvalidDropped(_logger, remote, error.Kind, error.Detail);
                    break;
            }
        }
        catch (Exception exception)
        {
            // A fault in handling one message must not end the loop that reads all the others.
            LogInboundFailed(_logger, remote, exception);
        }
    }

    private static SipParseResult Parse(ReadOnlyMemory<byte> bytes, SipTransportKind kind)
    {
        if (kind == SipTransportKind.Udp)
        {
            return SipParser.Parse(bytes.Span);
        }

        var status = SipParser.TryParse(new ReadOnlySequence<byte>(bytes), SipFraming.Stream, out var message, out _, out var error);
        return new SipParseResult(status, message, error);
    }

    private void OnRequest(SipRequest received, SipEndPoint remote, SipConnection? connection)
    {
        if (received.TopVia is not { } via)
        {
            return;
        }

        var request = ResponseRouting.StampSource(received, remote);
        var replyTo = ResponseRouting.ReplyTo(via, remote);
        if (request.Method == SipMethod.Ack)
        {
            OnAck(request, remote);
            return;
        }

        if (TransactionKey.ForServer(received, request.Method) is not { } key)
        {
            return;
        }

        if (_servers.Find(key) is { } existing)
        {
            existing.ReceiveRetransmission();
            return;
        }

        var origin = OriginKey.For(request);
        SipServerTransaction transaction = request.Method == SipMethod.Invite
            ? new InviteServerTransaction(this, key, request, replyTo, connection) { Source = remote, Local = LocalOf(remote, connection), Origin = origin }
            : new NonInviteServerTransaction(this, key, request, replyTo, connection) { Source = remote, Local = LocalOf(remote, connection), Origin = origin };
        var winner = _servers.GetOrAdd(key, transaction);
        if (!ReferenceEquals(winner, transaction))
        {
            winner.ReceiveRetransmission();
            return;
        }

        if (request.Method == SipMethod.Cancel)
        {
            OnCancel(transaction, received);
            return;
        }

        if (origin is { } originKey && !ReferenceEquals(_origins.GetOrAdd(originKey, transaction), transaction))
        {
            // The same request by another path (RFC 3261 section 8.2.2.2): the first copy is being answered.
            transaction.Respond(482);
            return;
        }

        transaction.Begin(User);
    }

    /// <summary>
    /// An ACK for a non-2xx final response matches its INVITE's transaction and ends there; an ACK for a
    /// 2xx has a branch of its own, matches nothing and goes to the user (the dialog).
    /// </summary>
    private void OnAck(SipRequest ack, SipEndPoint remote)
    {
        if (TransactionKey.ForServer(ack, SipMethod.Invite) is { } key
            && _servers.Find(key) is InviteServerTransaction invite
            && invite.ReceiveAck(ack))
        {
            return;
        }

        try
        {
            User.OnAck(ack, remote);
        }
        catch (Exception exception)
        {
            OnUserCallFailed(exception);
        }
    }

    /// <summary>
    /// A CANCEL (RFC 3261 section 9.2) in its own server transaction: 200 when it matches an INVITE, whose
    /// transaction then answers 487 if it had no final response yet and tells the user; 481 otherwise.
    /// </summary>
    private void OnCancel(SipServerTransaction cancelTransaction, SipRequest received)
    {
        if (TransactionKey.ForServer(received, SipMethod.Invite) is { } inviteKey
            && _servers.Find(inviteKey) is InviteServerTransaction invite)
        {
            cancelTransaction.Respond(SipResponse.Create(cancelTransaction.Request, 200, toTag: invite.PrepareCancel()));
            invite.Cancel(cancelTransaction.Request);
        }
        else
        {
            cancelTransaction.Respond(481);
        }
    }

    private void OnResponse(SipResponse response, SipEndPoint remote)
    {
        if (response.TopVia is not { } via)
        {
            return;
        }

        if (via.Branch is { } branch
            && response.CSeq is { } cseq
            && _clients.Find(TransactionKey.ForClient(branch, cseq.Method)) is { } transaction)
        {
            transaction.Receive(response);
            return;
        }

        if (!IsOurs(via))
        {
            LogStrayDropped(_logger, remote, response.StatusCode);
            return;
        }

        try
        {
            User.OnStrayResponse(response, remote);
        }
        catch (Exception exception)
        {
            OnUserCallFailed(exception);
        }
    }

    /// <summary>A request the transport had no room for: 503 with Retry-After, no transaction (an ACK gets nothing).</summary>
    private void RejectOverloaded(SipRequest request, SipEndPoint remote, SipConnection? connection)
    {
        if (request.Method == SipMethod.Ack)
        {
            return;
        }

        var seconds = ((int)Math.Ceiling(Options.OverloadRetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var response = SipResponse.Create(request, 503, toTag: SipIdentifiers.NewTag()).WithHeader(SipHeaderNames.RetryAfter, seconds);
        RespondStatelessly(response, remote, connection);
    }

    private void RespondStatelessly(SipResponse response, SipEndPoint remote, SipConnection? connection)
    {
        var to = response.TopVia is { } via ? ResponseRouting.ReplyTo(via, remote) : remote;
        ValueTask<SipSendResult> sending;
        try
        {
            sending = Wire.SendAsync(SipWriter.ToArray(response), to, connection);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException)
        {
            return;
        }

        if (!sending.IsCompleted)
        {
            _ = ObserveAsync(sending);
        }
        else
        {
            _ = sending.Result;
        }
    }

    /// <summary>A stateless answer that fails is not retried: the sender retransmits its request.</summary>
    private static async Task ObserveAsync(ValueTask<SipSendResult> sending)
    {
        try
        {
            await sending.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            // Same as a failed send: nothing more to do.
        }
    }

    private SipEndPoint LocalOf(SipEndPoint remote, SipConnection? connection)
    {
        if (connection is not null)
        {
            return connection.Local;
        }

        foreach (var local in Wire.LocalEndPoints)
        {
            if (local.Kind == remote.Kind && local.EndPoint.AddressFamily == remote.EndPoint.AddressFamily)
            {
                return local;
            }
        }

        return remote;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered an invalid SIP request from {Remote} ({Kind}: {Detail})")]
    private static partial void LogInvalidAnswered(ILogger logger, SipEndPoint remote, SipParseErrorKind kind, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped an invalid SIP message from {Remote} ({Kind}: {Detail})")]
    private static partial void LogInvalidDropped(ILogger logger, SipEndPoint remote, SipParseErrorKind kind, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a {StatusCode} response from {Remote}: its Via is not ours")]
    private static partial void LogStrayDropped(ILogger logger, SipEndPoint remote, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling a SIP message from {Remote} failed")]
    private static partial void LogInboundFailed(ILogger logger, SipEndPoint remote, Exception exception);
}
