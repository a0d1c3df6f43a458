using System.Net;
using System.Net.Sockets;
using System.Text;
using CallControl.Media.Hosting;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Testing;

namespace CallControl.Media.Tests.Hosting;

public sealed class MediaWorkerHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheWorkerStartsWithItsSettingsAndStopsCleanlyOnInterrupt()
    {
        await using var worker = ServiceProcess.Start("CallControl.Media", new Dictionary<string, string?>
        {
            ["Media__WorkerId"] = "media-test-1",
            ["Media__SipAddress"] = "127.0.0.1:25060",
        });

        await worker.WaitForOutputAsync("Media worker media-test-1 started; SIP address 127.0.0.1:25060", Patience);
        (await worker.InterruptAsync(Patience)).ShouldBe(0);
        worker.Output.ShouldContain("Media worker media-test-1 stopped");
    }

    [Fact]
    public async Task TheWorkerAnswersSipOnItsAddress()
    {
        var port = LoopbackPorts.Free();
        await using var worker = ServiceProcess.Start("CallControl.Media", new Dictionary<string, string?>
        {
            ["Media__SipAddress"] = $"127.0.0.1:{port}",
        });
        await worker.WaitForOutputAsync("SIP listening on", Patience);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var options = $"OPTIONS sip:worker@127.0.0.1:{port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-hosting-1\r\n" +
            "From: <sip:test@127.0.0.1>;tag=t1\r\nTo: <sip:worker@127.0.0.1>\r\nCall-ID: hosting-1\r\nCSeq: 1 OPTIONS\r\n" +
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        await socket.SendToAsync(Encoding.ASCII.GetBytes(options), new IPEndPoint(IPAddress.Loopback, port));
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(Patience);
        var received = await socket.ReceiveAsync(buffer, timeout.Token);

        var response = SipParser.Parse(buffer.AsSpan(0, received)).Message.ShouldBeOfType<SipResponse>();
        response.StatusCode.ShouldBe(200);
        response.GetTokens(SipHeaderNames.Allow).ShouldContain("INVITE");
        (await worker.InterruptAsync(Patience)).ShouldBe(0);
    }

    [Fact]
    public async Task ABadSettingStopsTheWorkerWithItsReason()
    {
        await using var worker = ServiceProcess.Start("CallControl.Media", new Dictionary<string, string?>
        {
            ["Media__MediaPortRange"] = "30001-20000",
        });

        (await worker.WaitForExitAsync(Patience)).ShouldNotBe(0);
        worker.Output.ShouldContain("Media:MediaPortRange '30001-20000' is not 'low-high'");
    }

    [Theory]
    [InlineData("127.0.0.1:5060", "20000-29999", 0)]
    [InlineData("[::1]:5060", "20000-20001", 0)]
    [InlineData("127.0.0.1", "20000-29999", 1)]
    [InlineData("localhost:5060", "20000-29999", 1)]
    [InlineData("127.0.0.1:5060", "20001-29999", 1)]
    [InlineData("127.0.0.1:5060", "80-90", 1)]
    [InlineData("127.0.0.1:5060", "nonsense", 1)]
    public void SettingsAreCheckedOneByOne(string sipAddress, string portRange, int errors) =>
        new MediaWorkerOptions { SipAddress = sipAddress, MediaPortRange = portRange }.Validate().Count.ShouldBe(errors);

    [Fact]
    public void MediaSettingsAreCheckedAndTurnedIntoTheEnginesOptions()
    {
        var bad = new MediaWorkerOptions
        {
            MediaAddress = "not-an-address",
            AdvertisedMediaAddress = "10.0.0",
            MusicOnHoldFile = "/nowhere/music.wav",
            SymmetricRtp = "1",
            RtpTimeoutSeconds = 2,
        };
        bad.Validate().Count.ShouldBe(5);

        var good = new MediaWorkerOptions { SipAddress = "127.0.0.1:5070", AdvertisedMediaAddress = "127.0.0.2", SymmetricRtp = "on", RtpTimeoutSeconds = 45 };
        good.Validate().ShouldBeEmpty();
        var engine = good.ToEngineOptions();
        engine.MediaAddress.ShouldBe(IPAddress.Loopback);
        engine.AdvertisedMediaAddress.ShouldBe(IPAddress.Parse("127.0.0.2"));
        engine.Latching.ShouldBe(Media.Rtp.Sockets.SymmetricRtp.On);
        engine.InactivityTimeout.ShouldBe(TimeSpan.FromSeconds(45));
        engine.SipListenOn.Count.ShouldBe(2);
    }
}
