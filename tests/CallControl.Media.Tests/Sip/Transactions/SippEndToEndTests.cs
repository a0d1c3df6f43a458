using System.Collections.Concurrent;
using System.Net;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;
using CallControl.Testing;

namespace CallControl.Media.Tests.Sip.Transactions;

/// <summary>The transaction layer on the real UDP transport and the system clock, against SIPp on loopback.</summary>
public sealed class SippEndToEndTests
{
    [Fact]
    public async Task SippCallsAreAnsweredRingingThenOkAndHungUpThroughTheTransactionLayer()
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        using var wheel = new TimerWheel(TimeProvider.System);
        await using var transport = SipTransport.Start(
            new SipTransportOptions { ListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0))] }, wheel);
        await using var layer = new SipTransactionLayer(transport, wheel);
        var local = transport.LocalEndPoints.Single().EndPoint;
        var user = new AnsweringUser(wheel, layer.Options, local);
        layer.Start(user);

        var result = await Sipp.RunAsync(new SippRun("uac", local) { BuiltIn = true, Calls = 5, Rate = 10 });

        result.Succeeded.ShouldBeTrue(result.ToString());
        user.AnsweredCalls.ShouldBe(5);
        user.AcknowledgedCalls.ShouldBe(5);
        user.HungUpCalls.ShouldBe(5);
    }

    [Fact]
    public async Task ACallPlacedThroughTheTransactionLayerIsAnsweredAcknowledgedAndHungUpBySipp()
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        using var wheel = new TimerWheel(TimeProvider.System);
        await using var transport = SipTransport.Start(
            new SipTransportOptions { ListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0))] }, wheel);
        await using var layer = new SipTransactionLayer(transport, wheel);
        var local = transport.LocalEndPoints.Single().EndPoint;
        layer.Start(new AnsweringUser(wheel, layer.Options, local));
        await using var sipp = Sipp.Start(new SippRun("uas", local) { BuiltIn = true, Calls = 1 });
        var peer = SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, sipp.LocalPort));
        var ourAddress = new NameAddress { Uri = new SipUri { User = "media", Host = "127.0.0.1", Port = local.Port } };
        var invite = SipRequest.Create(SipMethod.Invite, new SipUri { User = "service", Host = "127.0.0.1", Port = sipp.LocalPort })
            .WithFrom(ourAddress.WithTag(SipIdentifiers.NewTag()))
            .WithTo(new NameAddress { Uri = new SipUri { User = "service", Host = "127.0.0.1", Port = sipp.LocalPort } })
            .WithCallId($"{Guid.NewGuid():N}@127.0.0.1")
            .WithCSeq(new CSeq(1, SipMethod.Invite))
            .WithContacts(ourAddress);

        var calling = new FinalResponse();
        // SIPp may still be binding its socket: INVITE retransmissions (timer A) cover that.
        var inviteTransaction = layer.SendRequest(invite, peer, calling);
        var ok = await calling.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ok.StatusCode.ShouldBe(200);
        var ack = SipRequest.Create(SipMethod.Ack, ok.Contacts.Single().Uri)
            .WithFrom(invite.From!).WithTo(ok.To!).WithCallId(invite.CallId!).WithCSeq(new CSeq(1, SipMethod.Ack));
        (await layer.SendAckAsync(ack, peer)).ShouldBe(SipSendResult.Sent);
        var hangingUp = new FinalResponse();
        layer.SendRequest(
            SipRequest.Create(SipMethod.Bye, ok.Contacts.Single().Uri)
                .WithFrom(invite.From!).WithTo(ok.To!).WithCallId(invite.CallId!).WithCSeq(new CSeq(2, SipMethod.Bye)),
            peer,
            hangingUp);
        var byeAnswer = await hangingUp.Task.WaitAsync(TimeSpan.FromSeconds(30));

        byeAnswer.StatusCode.ShouldBe(200);
        inviteTransaction.State.ShouldBe(SipTransactionState.Accepted);
        var result = await sipp.WaitAsync(TimeSpan.FromSeconds(30));
        result.Succeeded.ShouldBeTrue(result.ToString());
    }

    /// <summary>Completes with the first final response, or fails with the transaction.</summary>
    private sealed class FinalResponse : ISipClientTransactionUser
    {
        private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SipResponse> Task => _final.Task;

        public void OnResponse(SipClientTransaction transaction, SipResponse response)
        {
            if (!response.IsProvisional)
            {
                _final.TrySetResult(response);
            }
        }

        public void OnFailed(SipClientTransaction transaction, SipTransactionFailure failure) =>
            _final.TrySetException(new InvalidOperationException($"The {transaction.Request.Method} failed: {failure}"));
    }

    /// <summary>
    /// A stand-in for the dialog layer of a UAS: rings, answers with a To tag and Contact, retransmits the
    /// 2xx on T1 doubling to T2 until the ACK comes (RFC 3261 section 13.3.1.4), and answers BYE.
    /// </summary>
    private sealed class AnsweringUser(TimerWheel wheel, SipTransactionOptions options, IPEndPoint local) : ISipTransactionUser
    {
        private readonly ConcurrentDictionary<string, Answered> _unacknowledged = new();
        private int _answered;
        private int _acknowledged;
        private int _hungUp;

        public int AnsweredCalls => Volatile.Read(ref _answered);

        public int AcknowledgedCalls => Volatile.Read(ref _acknowledged);

        public int HungUpCalls => Volatile.Read(ref _hungUp);

        public void OnRequest(SipServerTransaction transaction, SipRequest request)
        {
            if (request.Method == SipMethod.Invite)
            {
                var tag = SipIdentifiers.NewTag();
                transaction.Respond(SipResponse.Create(request, 180, toTag: tag));
                var ok = SipResponse.Create(request, 200, toTag: tag)
                    .WithContacts(new NameAddress { Uri = new SipUri { User = "media", Host = local.Address.ToString(), Port = local.Port } });
                var answered = new Answered(transaction, ok);
                _unacknowledged[request.CallId!] = answered;
                transaction.Respond(ok);
                Interlocked.Increment(ref _answered);
                answered.ScheduleNext(wheel, options.T1, options);
            }
            else if (request.Method == SipMethod.Bye)
            {
                transaction.Respond(200);
                Interlocked.Increment(ref _hungUp);
            }
            else
            {
                transaction.Respond(405);
            }
        }

        public void OnAck(SipRequest ack, SipEndPoint source)
        {
            if (ack.CallId is { } callId && _unacknowledged.TryRemove(callId, out var answered))
            {
                answered.Stop();
                Interlocked.Increment(ref _acknowledged);
            }
        }

        public void OnStrayResponse(SipResponse response, SipEndPoint source)
        {
        }

        public void OnCancelled(SipServerTransaction invite, SipRequest cancel)
        {
        }

        public void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure)
        {
        }
    }

    private sealed class Answered(SipServerTransaction transaction, SipResponse ok)
    {
        private readonly Lock _gate = new();
        private ScheduledTimer? _next;
        private bool _stopped;

        public void ScheduleNext(TimerWheel wheel, TimeSpan interval, SipTransactionOptions options)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                _next = wheel.Schedule(interval, () =>
                {
                    // Once the transaction has ended (timer L) the 2xx is no longer retransmitted: the call failed.
                    if (transaction.Respond(ok))
                    {
                        ScheduleNext(wheel, interval * 2 < options.T2 ? interval * 2 : options.T2, options);
                    }
                });
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
                _next?.Cancel();
            }
        }
    }
}
