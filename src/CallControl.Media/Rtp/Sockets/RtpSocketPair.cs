using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Rtp.Sockets;

/// <summary>The two sockets of one media stream: RTP on an even port and RTCP on the odd port above it (RFC 3550 section 11).</summary>
public sealed class RtpSocketPair : IDisposable
{
    // Room for a few hundred milliseconds of one call's packets if a receive loop is briefly starved.
    private const int ReceiveBufferBytes = 256 * 1024;

    private RtpSocketPair(MediaSocket rtp, MediaSocket rtcp)
    {
        Rtp = rtp;
        Rtcp = rtcp;
    }

    public MediaSocket Rtp { get; }

    public MediaSocket Rtcp { get; }

    public int RtpPort => Rtp.LocalEndPoint.Port;

    /// <summary>
    /// Binds the next free pair of <paramref name="ports"/> on <paramref name="address"/>, trying each pair of
    /// the range at most once; false when every pair is in use.
    /// </summary>
    /// <param name="timeProvider">Source of <see cref="ReceivedDatagram.ReceivedAt"/>; the system clock when null.</param>
    public static bool TryBind(IPAddress address, RtpPortRange ports, [NotNullWhen(true)] out RtpSocketPair? pair, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(ports);
        var time = timeProvider ?? TimeProvider.System;
        for (var attempt = 0; attempt < ports.Pairs; attempt++)
        {
            var port = ports.Next();
            if (TryBindOne(address, port, out var rtp))
            {
                if (TryBindOne(address, port + 1, out var rtcp))
                {
                    pair = new RtpSocketPair(new MediaSocket(rtp, time), new MediaSocket(rtcp, time));
                    return true;
                }

                rtp.Dispose();
            }
        }

        pair = null;
        return false;
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }

    private static bool TryBindOne(IPAddress address, int port, [NotNullWhen(true)] out Socket? socket)
    {
        socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = ReceiveBufferBytes;
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            socket.Dispose();
            socket = null;
            return false;
        }
    }
}
