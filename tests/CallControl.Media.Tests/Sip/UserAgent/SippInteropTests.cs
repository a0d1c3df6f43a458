using System.Text;
using System.Net;
using System.Net.Sockets;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.UserAgent;
using CallControl.Testing;

namespace CallControl.Media.Tests.Sip.UserAgent;

/// <summary>The stack against SIPp on loopback, over UDP and TCP: calls in and out, cancel, hold both ways, garbage.</summary>
public sealed class SippInteropTests
{
    private static readonly TimeSpan SippTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A 6 s session interval with a 2 s minimum: far below RFC 4028's 90 s, so that timers act within a test.</summary>
    private static readonly SipUserAgentOptions ShortSessionTimers = new()
    {
        SessionTimer = new SessionTimerOptions { IntervalSeconds = 6, MinSESeconds = 2 },
    };

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AnInboundCallIsAnsweredAndEndsWhenTheCallerHangsUp(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("uac", stack.On(transport)) { BuiltIn = true, Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var offered = await stack.NextOfAsync<SipCallEvent.Offered>();
            offered.Call.Answer().ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.Answered>();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.Initiator.ShouldBe(SipInitiator.Remote);
            ended.StatusCode.ShouldBe(200);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AnInboundCallOverIpv6LoopbackIsAnsweredAndEnded(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start("::1");
        await using var sipp = Sipp.Start(new SippRun("uac", stack.On(transport)) { BuiltIn = true, Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var offered = await stack.NextOfAsync<SipCallEvent.Offered>();
            offered.Call.Remote.EndPoint.Address.ShouldBe(IPAddress.IPv6Loopback);
            offered.Call.Answer().ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.Answered>();
            (await stack.NextOfAsync<SipCallEvent.Terminated>()).Initiator.ShouldBe(SipInitiator.Remote);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AnInboundCallIsAnsweredAndHungUpByUs(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-callee-hangs-up.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var offered = await stack.NextOfAsync<SipCallEvent.Offered>();
            offered.Call.Answer().ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.Answered>();
            offered.Call.Hangup();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.Initiator.ShouldBe(SipInitiator.Local);
            ended.StatusCode.ShouldBe(200);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AnInviteWithoutSdpGetsOurOfferInThe200AndTheAnswerFromTheAck(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-delayed-offer.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var offered = await stack.NextOfAsync<SipCallEvent.Offered>();
            offered.Call.Answer().ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.Answered>();

            // The answer in the ACK chose PCMA, the second codec we offered.
            offered.Call.Media.ShouldNotBeNull().Codec.PayloadType.ShouldBe(8);
            await stack.NextOfAsync<SipCallEvent.Terminated>();
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AnOutboundCallToASippServerIsAnsweredAndHungUpByUs(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("uas", stack.On(transport)) { BuiltIn = true, Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            await sipp.WaitUntilListeningAsync(transport, SippTimeout);
            var suffix = transport == SippTransport.Tcp ? ";transport=tcp" : string.Empty;
            var call = stack.UserAgent.PlaceCall($"sip:service@127.0.0.1:{sipp.LocalPort}{suffix}");
            await stack.NextOfAsync<SipCallEvent.Answered>();
            call.Media.ShouldNotBeNull().Codec.PayloadType.ShouldBe(0);
            call.Hangup();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.Initiator.ShouldBe(SipInitiator.Local);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task ACallCancelledBeforeAnswerEndsWith487(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-cancel.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Ring().ShouldBeTrue();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.StatusCode.ShouldBe(487);
            ended.Initiator.ShouldBe(SipInitiator.Remote);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task HoldAndResumeFromTheFarEndAreAnsweredWithTheMappedDirectionAndReported(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-hold.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Answer().ShouldBeTrue();
            (await stack.NextOfAsync<SipCallEvent.RemoteHoldChanged>()).Held.ShouldBeTrue();
            (await stack.NextOfAsync<SipCallEvent.RemoteHoldChanged>()).Held.ShouldBeFalse();
            await stack.NextOfAsync<SipCallEvent.Terminated>();
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task OurHoldOffersSendonlyAndOurResumeSendrecv(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uas-hold.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            await sipp.WaitUntilListeningAsync(transport, SippTimeout);
            var suffix = transport == SippTransport.Tcp ? ";transport=tcp" : string.Empty;
            var call = stack.UserAgent.PlaceCall($"sip:service@127.0.0.1:{sipp.LocalPort}{suffix}");
            await stack.NextOfAsync<SipCallEvent.Answered>();
            call.Hold().ShouldBeTrue();
            (await stack.NextOfAsync<SipCallEvent.LocalHoldChanged>()).Held.ShouldBeTrue();
            call.HeldByUs.ShouldBeTrue();
            call.Resume().ShouldBeTrue();
            (await stack.NextOfAsync<SipCallEvent.LocalHoldChanged>()).Held.ShouldBeFalse();
            call.Hangup();
            await stack.NextOfAsync<SipCallEvent.Terminated>();
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task CrossingReInvitesAreAnswered491AndOurHoldIsRetriedUntilItCompletes(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uas-glare.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var call = await CallSippAsync(stack, sipp, transport);
            call.Hold().ShouldBeTrue();
            var seen = new List<SipCallEvent>();
            (await stack.NextOfAsync<SipCallEvent.LocalHoldChanged>(seen)).Held.ShouldBeTrue();

            seen.OfType<SipCallEvent.ReInviteFailed>().ShouldBeEmpty();
            seen.OfType<SipCallEvent.RemoteHoldChanged>().ShouldBeEmpty();
            call.HeldByUs.ShouldBeTrue();
            call.Hangup();
            await stack.NextOfAsync<SipCallEvent.Terminated>();
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task OurCallRetriesAfter422AndRefreshesTheSessionWithUpdateAtHalfTheInterval(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start(userAgent: ShortSessionTimers);
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uas-session-timer.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            await CallSippAsync(stack, sipp, transport);
            var seen = new List<SipCallEvent>();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>(seen);

            ended.Initiator.ShouldBe(SipInitiator.Remote);
            ended.StatusCode.ShouldBe(200);
            seen.OfType<SipCallEvent.ReInviteFailed>().ShouldBeEmpty();
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task UpdatesFromTheRefresherRestartTheSessionTimerAndItsSilenceEndsTheCallWith408(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start(userAgent: ShortSessionTimers);
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-session-timer.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Answer().ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.Answered>();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.StatusCode.ShouldBe(408);
            ended.Initiator.ShouldBe(SipInitiator.Local);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task AReferIsAcceptedAndTheProgressWeReportReachesTheFarEndAsNotifies(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-refer.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Answer().ShouldBeTrue();
            var refer = await stack.NextOfAsync<SipCallEvent.ReferReceived>();
            refer.Target.ShouldStartWith("sip:transfer-target@127.0.0.1");
            refer.Replaces.ShouldBeNull();

            refer.Call.ReportReferProgress(200).ShouldBeTrue();
            refer.Call.ReportReferProgress(200).ShouldBeFalse();
            var ended = await stack.NextOfAsync<SipCallEvent.Terminated>();

            ended.Initiator.ShouldBe(SipInitiator.Remote);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task OurReferIsAcceptedAndItsNotifiesAreReportedAsProgress(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uas-refer.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            var call = await CallSippAsync(stack, sipp, transport);
            call.Refer("sip:transfer-target@127.0.0.1:5099").ShouldBeTrue();
            await stack.NextOfAsync<SipCallEvent.ReferAccepted>();
            (await stack.NextOfAsync<SipCallEvent.ReferProgress>()).StatusCode.ShouldBe(100);
            (await stack.NextOfAsync<SipCallEvent.ReferProgress>()).StatusCode.ShouldBe(200);
            call.Hangup();
            (await stack.NextOfAsync<SipCallEvent.Terminated>()).Initiator.ShouldBe(SipInitiator.Local);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task InfoFromTheFarEndIsAnswered200AndReportedWithItsBodyAndOursIsSent(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uac-info.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Answer().ShouldBeTrue();
            var info = await stack.NextOfAsync<SipCallEvent.InfoReceived>();
            info.ContentType.ShouldBe("application/dtmf-relay");
            var body = Encoding.UTF8.GetString(info.Body.Span);
            body.ShouldContain("Signal=5");

            info.Call.SendInfo("application/dtmf-relay", Encoding.UTF8.GetBytes(body)).ShouldBeTrue();
            (await stack.NextOfAsync<SipCallEvent.Terminated>()).Initiator.ShouldBe(SipInitiator.Remote);
        });
    }

    [Theory]
    [InlineData(SippTransport.Udp)]
    [InlineData(SippTransport.Tcp)]
    public async Task ARefreshReInviteOffersTheSameDirectionAndKeepsTheCall(SippTransport transport)
    {
        await using var stack = SipStackUnderTest.Start();
        await using var sipp = Sipp.Start(new SippRun("Sip/Scenarios/uas-refresh.xml", stack.On(transport)) { Transport = transport, Timeout = SippTimeout });

        await SipStackUnderTest.WithSippAsync(sipp, async () =>
        {
            await sipp.WaitUntilListeningAsync(transport, SippTimeout);
            var suffix = transport == SippTransport.Tcp ? ";transport=tcp" : string.Empty;
            var call = stack.UserAgent.PlaceCall($"sip:service@127.0.0.1:{sipp.LocalPort}{suffix}");
            await stack.NextOfAsync<SipCallEvent.Answered>();
            call.Refresh().ShouldBeTrue();
            call.IsOfferPending.ShouldBeTrue();
            await WaitUntilAsync(() => !call.IsOfferPending, "the refresh never completed");
            call.State.ShouldBe(SipCallState.Connected);
            call.HeldByUs.ShouldBeFalse();
            call.Hangup();
            await stack.NextOfAsync<SipCallEvent.Terminated>();
        });
    }

    [Fact]
    public async Task GarbageBetweenCallsDoesNotDisturbTheNextOnes()
    {
        await using var stack = SipStackUnderTest.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(7);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                var garbage = new byte[random.Next(1, 1400)];
                random.NextBytes(garbage);
                if (i % 2 == 0)
                {
                    // Half of it looks like the start of a request, so it gets past the first byte checks.
                    var start = "INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n"u8;
                    start[..Math.Min(start.Length, garbage.Length)].CopyTo(garbage);
                }

                await socket.SendToAsync(garbage, new IPEndPoint(IPAddress.Loopback, stack.Udp.Port));
            }

            await using var sipp = Sipp.Start(new SippRun("uac", stack.Udp) { BuiltIn = true, Timeout = SippTimeout });

            await SipStackUnderTest.WithSippAsync(sipp, async () =>
            {
                (await stack.NextOfAsync<SipCallEvent.Offered>()).Call.Answer().ShouldBeTrue();
                await stack.NextOfAsync<SipCallEvent.Terminated>();
            });
        }
    }

    /// <summary>Places a call to a SIPp server scenario once it listens, and waits until it is answered.</summary>
    private static async Task<SipCall> CallSippAsync(SipStackUnderTest stack, Sipp sipp, SippTransport transport)
    {
        await sipp.WaitUntilListeningAsync(transport, SippTimeout);
        var suffix = transport == SippTransport.Tcp ? ";transport=tcp" : string.Empty;
        var call = stack.UserAgent.PlaceCall($"sip:service@127.0.0.1:{sipp.LocalPort}{suffix}");
        (await stack.NextOfAsync<SipCallEvent.Answered>()).Call.ShouldBeSameAs(call);
        return call;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + SippTimeout;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, failure);
            await Task.Delay(50);
        }
    }
}
