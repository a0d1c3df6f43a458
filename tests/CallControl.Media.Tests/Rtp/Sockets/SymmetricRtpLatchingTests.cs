using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

public sealed class SymmetricRtpLatchingTests : IDisposable
{
    private readonly RtpSocketPair _local = Loopback.BindPair();
    private readonly CollectingHandler _handler = new();
    private readonly Socket _sdpAddress = Loopback.BindUdp();
    private readonly Socket _natAddress = Loopback.BindUdp();

    public SymmetricRtpLatchingTests() => _local.Rtp.StartReceiving(_handler);

    [Fact]
    public void WithLatchingOffMediaGoesToTheSdpAddressWhereverPacketsComeFrom()
    {
        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.Off);

        ArriveFrom(_natAddress);

        _local.Rtp.IsLatched.ShouldBeFalse();
        SendReaches(_sdpAddress).ShouldBeTrue();
    }

    [Fact]
    public void WithLatchingOnMediaGoesToTheFirstPacketsSourceAndAStrayPacketLaterDoesNotMoveIt()
    {
        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.On);
        SendReaches(_sdpAddress).ShouldBeTrue();

        ArriveFrom(_natAddress);
        ArriveFrom(_sdpAddress);

        _local.Rtp.IsLatched.ShouldBeTrue();
        SendReaches(_natAddress).ShouldBeTrue();
    }

    [Fact]
    public void WithLatchingOnAStreamWithoutAnSdpAddressSendsOnceThePeerHasSent()
    {
        _local.Rtp.SetRemote(null, SymmetricRtp.On);
        _local.Rtp.Send([0]).ShouldBeFalse();

        ArriveFrom(_natAddress);

        SendReaches(_natAddress).ShouldBeTrue();
    }

    [Fact]
    public void WithAutoLatchingAPeerBehindNatIsReachedAtItsSource()
    {
        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.Auto);

        ArriveFrom(_natAddress);

        _local.Rtp.IsLatched.ShouldBeTrue();
        SendReaches(_natAddress).ShouldBeTrue();
    }

    [Fact]
    public void WithAutoLatchingAPeerSendingFromItsSdpAddressKeepsItEvenIfAnotherSourceFollows()
    {
        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.Auto);

        ArriveFrom(_sdpAddress);
        ArriveFrom(_natAddress);

        _local.Rtp.IsLatched.ShouldBeFalse();
        SendReaches(_sdpAddress).ShouldBeTrue();
    }

    [Fact]
    public void ANewSdpAddressReopensTheLatchingDecision()
    {
        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.On);
        ArriveFrom(_sdpAddress);

        _local.Rtp.SetRemote(_sdpAddress.EndPoint(), SymmetricRtp.On);
        ArriveFrom(_natAddress);

        SendReaches(_natAddress).ShouldBeTrue();
    }

    public void Dispose()
    {
        _local.Dispose();
        _sdpAddress.Dispose();
        _natAddress.Dispose();
    }

    private void ArriveFrom(Socket peer)
    {
        var before = _handler.Count;
        peer.SendTo(new byte[12], _local.Rtp.LocalEndPoint);
        Loopback.WaitUntil(() => _handler.Count > before, TimeSpan.FromSeconds(10)).ShouldBeTrue();
    }

    private bool SendReaches(Socket peer)
    {
        var marker = (byte)Random.Shared.Next(1, 256);
        if (!_local.Rtp.Send([marker]))
        {
            return false;
        }

        var buffer = new byte[16];
        if (!peer.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead))
        {
            return false;
        }

        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var length = peer.ReceiveFrom(buffer, ref from);
        return length == 1 && buffer[0] == marker && from.Equals(_local.Rtp.LocalEndPoint);
    }
}
