using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Tests.Sip.UserAgent;

/// <summary>
/// INVITEs with Replaces (RFC 3891) between two stacks on loopback: one places the calls, the other matches
/// the Replaces header against its calls.
/// </summary>
public sealed class ReplacesTests
{
    [Fact]
    public async Task AnInviteWithReplacesIsOfferedWithTheCallItReplacesWhichEndsWhenTheNewOneIsAnswered()
    {
        await using var caller = SipStackUnderTest.Start();
        await using var callee = SipStackUnderTest.Start();
        var (first, firstThere) = await ConnectAsync(caller, callee);

        var second = caller.UserAgent.PlaceCall(Target(callee), replaces: ReplacesHeader.For(first.DialogId!.Value));
        var offered = await NextForAsync<SipCallEvent.Offered>(callee, call: null);
        offered.Replaces.ShouldBeSameAs(firstThere);
        offered.Call.Replaces.ShouldBeSameAs(firstThere);
        offered.Call.Answer().ShouldBeTrue();

        await NextForAsync<SipCallEvent.Answered>(caller, second);
        (await NextForAsync<SipCallEvent.Terminated>(callee, firstThere)).Initiator.ShouldBe(SipInitiator.Local);
        (await NextForAsync<SipCallEvent.Terminated>(caller, first)).Initiator.ShouldBe(SipInitiator.Remote);
        second.State.ShouldBe(SipCallState.Connected);
        callee.UserAgent.ActiveCalls.ShouldBe(1);
    }

    [Fact]
    public async Task ReplacesNamingNoDialogOfOursIsRefused481()
    {
        await using var caller = SipStackUnderTest.Start();
        await using var callee = SipStackUnderTest.Start();

        var call = caller.UserAgent.PlaceCall(Target(callee), replaces: new ReplacesHeader("unknown@elsewhere", "to", "from"));

        (await NextForAsync<SipCallEvent.Terminated>(caller, call)).StatusCode.ShouldBe(481);
        callee.UserAgent.ActiveCalls.ShouldBe(0);
    }

    [Fact]
    public async Task EarlyOnlyReplacesOfAConnectedCallIsRefused486AndTheCallGoesOn()
    {
        await using var caller = SipStackUnderTest.Start();
        await using var callee = SipStackUnderTest.Start();
        var (first, firstThere) = await ConnectAsync(caller, callee);

        var call = caller.UserAgent.PlaceCall(Target(callee), replaces: ReplacesHeader.For(first.DialogId!.Value, earlyOnly: true));

        (await NextForAsync<SipCallEvent.Terminated>(caller, call)).StatusCode.ShouldBe(486);
        firstThere.State.ShouldBe(SipCallState.Connected);
    }

    [Fact]
    public async Task ReplacesOfACallRingingAtTheCalleeIsRefused481()
    {
        await using var caller = SipStackUnderTest.Start();
        await using var callee = SipStackUnderTest.Start();
        var ringing = caller.UserAgent.PlaceCall(Target(callee));
        (await NextForAsync<SipCallEvent.Offered>(callee, call: null)).Call.Ring().ShouldBeTrue();
        await NextForAsync<SipCallEvent.Ringing>(caller, ringing);

        var call = caller.UserAgent.PlaceCall(Target(callee), replaces: ReplacesHeader.For(ringing.DialogId!.Value));

        (await NextForAsync<SipCallEvent.Terminated>(caller, call)).StatusCode.ShouldBe(481);
    }

    [Fact]
    public async Task ReplacesOfACallThatHasEndedIsRefused603()
    {
        await using var caller = SipStackUnderTest.Start();
        await using var callee = SipStackUnderTest.Start();
        var (first, firstThere) = await ConnectAsync(caller, callee);
        first.Hangup();
        await NextForAsync<SipCallEvent.Terminated>(caller, first);
        await NextForAsync<SipCallEvent.Terminated>(callee, firstThere);

        var call = caller.UserAgent.PlaceCall(Target(callee), replaces: ReplacesHeader.For(first.DialogId!.Value));

        (await NextForAsync<SipCallEvent.Terminated>(caller, call)).StatusCode.ShouldBe(603);
    }

    private static string Target(SipStackUnderTest stack) => $"sip:agent@127.0.0.1:{stack.Udp.Port}";

    /// <summary>A call from <paramref name="caller"/> answered by <paramref name="callee"/>: both sides of it.</summary>
    private static async Task<(SipCall Here, SipCall There)> ConnectAsync(SipStackUnderTest caller, SipStackUnderTest callee)
    {
        var here = caller.UserAgent.PlaceCall(Target(callee));
        var there = (await NextForAsync<SipCallEvent.Offered>(callee, call: null)).Call;
        there.Answer().ShouldBeTrue();
        await NextForAsync<SipCallEvent.Answered>(caller, here);
        await NextForAsync<SipCallEvent.Answered>(callee, there);
        return (here, there);
    }

    /// <summary>The next event of type <typeparamref name="T"/> for <paramref name="call"/> (any call when null).</summary>
    private static async Task<T> NextForAsync<T>(SipStackUnderTest stack, SipCall? call)
        where T : SipCallEvent
    {
        while (true)
        {
            var next = await stack.NextOfAsync<T>();
            if (call is null || ReferenceEquals(next.Call, call))
            {
                return next;
            }
        }
    }
}
