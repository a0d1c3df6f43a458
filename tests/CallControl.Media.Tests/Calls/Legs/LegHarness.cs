using System.Net;
using System.Net.Sockets;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

/// <summary>A leg on loopback facing a "phone" of two plain UDP sockets, with a media clock ticked by hand.</summary>
internal sealed class LegHarness : IDisposable
{
    public static readonly TimeSpan PacketTime = TimeSpan.FromMilliseconds(20);

    private readonly byte[] _receiveBuffer = new byte[2048];
    private long _ticks;

    public LegHarness(RtpLegOptions? options = null, TimeProvider? time = null)
    {
        Time = time;
        PhoneRtp = Loopback.BindUdp();
        PhoneRtcp = Loopback.BindUdp();
        Leg = new RtpLeg(
            Loopback.BindPair(),
            new RtpLegRemote(PhoneRtp.EndPoint(), RtpLegRemote.Pcmu, 101, PhoneRtcp.EndPoint(), SymmetricRtp.Off),
            options,
            time);
    }

    public VirtualClock Clock => (VirtualClock)Time!;

    public TimeProvider? Time { get; }

    public Socket PhoneRtp { get; }

    public Socket PhoneRtcp { get; }

    public RtpLeg Leg { get; }

    public static LegHarness WithVirtualClock(RtpLegOptions? options = null) => new(options, new VirtualClock());

    /// <summary>Moves the virtual clock one packet time and ticks the leg, as the media clock would.</summary>
    public void Tick(int count = 1)
    {
        for (var n = 0; n < count; n++)
        {
            Clock.Advance(PacketTime);
            _ticks++;
            Leg.OnTick(new MediaTick(_ticks, TimeSpan.FromTicks(PacketTime.Ticks * _ticks), TimeSpan.Zero));
        }
    }

    public byte[] ReceiveRtp() => Receive(PhoneRtp);

    public byte[] ReceiveRtcp() => Receive(PhoneRtcp);

    /// <summary>Sends an RTP packet from the phone to the leg.</summary>
    public void SendFromPhone(ushort sequence, uint timestamp, uint ssrc)
    {
        var packet = new byte[RtpHeader.FixedLength + 160];
        var length = RtpPacketWriter.Write(packet, false, RtpLegRemote.Pcmu, sequence, timestamp, ssrc, new byte[160]);
        PhoneRtp.SendTo(packet.AsSpan(0, length), SocketFlags.None, Leg.Sockets.Rtp.LocalEndPoint);
    }

    public void Dispose()
    {
        Leg.Dispose();
        PhoneRtp.Dispose();
        PhoneRtcp.Dispose();
    }

    private byte[] Receive(Socket socket)
    {
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var length = socket.ReceiveFrom(_receiveBuffer, ref from);
        return _receiveBuffer.AsSpan(0, length).ToArray();
    }
}
