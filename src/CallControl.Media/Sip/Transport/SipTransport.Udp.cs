using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Sip.Transport;

public sealed partial class SipTransport
{
    private readonly List<(Socket Socket, SipEndPoint Local)> _udpSockets = [];

    private void StartUdp(IPEndPoint endPoint)
    {
        var socket = Bind(endPoint, SocketType.Dgram, ProtocolType.Udp);
        _sockets.Add(socket);
        var local = SipEndPoint.Udp((IPEndPoint)socket.LocalEndPoint!);
        _localEndPoints.Add(local);
        _udpSockets.Add((socket, local));
        _loops.Add(ReceiveDatagramsAsync(socket, local));
        LogListening(_logger, local);
    }

    /// <summary>
    /// One loop per socket. Datagrams land in a buffer one byte over the limit, so an oversized one shows as
    /// filling it; each accepted datagram is copied into a pooled buffer of its own size, so a queued message
    /// holds only its bytes.
    /// </summary>
    private async Task ReceiveDatagramsAsync(Socket socket, SipEndPoint local)
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageSize + 1);
        var anyRemote = new IPEndPoint(
            local.EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await socket.ReceiveFromAsync(
                        buffer.AsMemory(0, MaxMessageSize + 1), SocketFlags.None, anyRemote, _stopping.Token).ConfigureAwait(false);
                }
                catch (SocketException exception) when (exception.SocketErrorCode == SocketError.MessageSize)
                {
                    Drop(local, null, "it is over the size limit");
                    continue;
                }
                catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // An ICMP port-unreachable for an earlier send; receiving goes on.
                    continue;
                }
                catch (SocketException exception) when (!_stopping.IsCancellationRequested)
                {
                    LogUdpFailed(_logger, local, exception);
                    continue;
                }

                var remote = SipEndPoint.Udp((IPEndPoint)received.RemoteEndPoint);
                if (received.ReceivedBytes > MaxMessageSize)
                {
                    Drop(local, remote, "it is over the size limit");
                    continue;
                }

                var datagram = buffer.AsSpan(0, received.ReceivedBytes);
                if (datagram.IndexOfAnyExcept("\r\n"u8) < 0)
                {
                    continue;
                }

                var message = InboundSipMessage.Copy(datagram, remote, local);
                if (!_queues.TryEnqueue(message))
                {
                    message.Dispose();
                    Drop(local, remote, "both inbound queues are full");
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The transport is stopping and has closed the socket.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Drop(SipEndPoint local, SipEndPoint? remote, string reason)
    {
        Interlocked.Increment(ref _droppedDatagrams);
        LogDatagramDropped(_logger, local, remote, reason);
    }

    /// <summary>Sends from the first listening socket of the destination's address family, so the source port is a SIP port.</summary>
    private async ValueTask<SipSendResult> SendUdpAsync(ReadOnlyMemory<byte> message, IPEndPoint to, CancellationToken cancellationToken)
    {
        var socket = _udpSockets.Find(udp => udp.Local.EndPoint.AddressFamily == to.AddressFamily).Socket;
        if (socket is null)
        {
            return SipSendResult.NoTransport;
        }

        try
        {
            await socket.SendToAsync(message, SocketFlags.None, to, cancellationToken).ConfigureAwait(false);
            return SipSendResult.Sent;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            LogSendFailed(_logger, SipEndPoint.Udp(to), exception.Message);
            return SipSendResult.SendFailed;
        }
    }
}
