using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// A SIPp caller (1 kHz) talks to an agent (SIPp, 1.5 kHz) through the engine, and is transferred to a target
/// (SIPp, 2 kHz): blind, or after a consultation that is completed or cancelled.
/// </summary>
public sealed class TransferTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task BlindTransferBridgesTheCallerToTheTargetOnItsOngoingStreamAndHangsUpTheAgent()
    {
        await using var scene = new CallScene();
        var (caller, agent) = await ConnectAsync(scene, "uac-rtp-plain.xml");
        var target = await scene.CalleeAsync(2000);
        target.LegId = "target";

        scene.Media.Transfer(agent.LegId, target.LegId, target.Uri);
        var completed = await scene.Engine.WaitForAsync<MediaEvent.TransferCompleted>();
        completed.ShouldBe(new MediaEvent.TransferCompleted(agent.LegId, target.LegId));
        var agentEnd = await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == agent.LegId);
        agentEnd.Reason.ShouldBe(DisconnectReason.Transfer);
        agentEnd.Initiator.ShouldBe(SipInitiator.Local);

        var heard = await CallScene.ListenAsync(Window, caller, target);
        CallScene.ShouldCarry(heard[0], Window, target.Tone);
        CallScene.ShouldCarry(heard[1], Window, caller.Tone);
        caller.Observer.All.Select(a => a.Ssrc).Distinct().Count().ShouldBe(1, "the caller's stream continues across the transfer");

        await HangUpAllAsync(scene, caller, target);
    }

    [Fact]
    public async Task ConsultationHoldsTheCallerWithMusicWhileAgentAndTargetTalkThenCompletingBridgesCallerAndTarget()
    {
        await using var scene = new CallScene();
        var (caller, agent) = await ConnectAsync(scene, "uac-rtp.xml");
        var target = await scene.CalleeAsync(2000);
        target.LegId = "target";

        scene.Media.Consult(agent.LegId, target.LegId, target.Uri);
        await scene.Engine.WaitForAsync<MediaEvent.LegHeld>(h => h.LegId == caller.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegsBridged>(b => b.LegId == agent.LegId && b.OtherLegId == target.LegId);
        var heard = await CallScene.ListenAsync(Window, caller, agent, target);
        CallScene.ShouldBeMusic(heard[0], Window);
        CallScene.ShouldCarry(heard[1], Window, target.Tone);
        CallScene.ShouldCarry(heard[2], Window, agent.Tone);

        scene.Media.CompleteConsult(agent.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.TransferCompleted>(t => t.LegId == agent.LegId && t.NewLegId == target.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegResumed>(r => r.LegId == caller.LegId);
        (await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == agent.LegId)).Reason.ShouldBe(DisconnectReason.Transfer);
        heard = await CallScene.ListenAsync(Window, caller, target);
        CallScene.ShouldCarry(heard[0], Window, target.Tone);
        CallScene.ShouldCarry(heard[1], Window, caller.Tone);

        await HangUpAllAsync(scene, caller, target);
    }

    [Fact]
    public async Task CancellingAConsultationHangsUpTheTargetAndReunitesCallerAndAgent()
    {
        await using var scene = new CallScene();
        var (caller, agent) = await ConnectAsync(scene, "uac-rtp.xml");
        var target = await scene.CalleeAsync(2000);
        target.LegId = "target";

        scene.Media.Consult(agent.LegId, target.LegId, target.Uri);
        await scene.Engine.WaitForAsync<MediaEvent.LegsBridged>(b => b.LegId == agent.LegId && b.OtherLegId == target.LegId);
        scene.Media.CancelConsult(agent.LegId);
        (await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == target.LegId)).Reason.ShouldBe(DisconnectReason.Cancel);
        await scene.Engine.WaitForAsync<MediaEvent.TransferFailed>(t => t.LegId == agent.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegResumed>(r => r.LegId == caller.LegId);

        var heard = await CallScene.ListenAsync(Window, caller, agent);
        CallScene.ShouldCarry(heard[0], Window, agent.Tone);
        CallScene.ShouldCarry(heard[1], Window, caller.Tone);

        await HangUpAllAsync(scene, caller, agent);
    }

    private static async Task<(CallScene.Peer Caller, CallScene.Peer Agent)> ConnectAsync(CallScene scene, string callerScenario)
    {
        var agent = await scene.CalleeAsync(1500);
        var caller = await scene.CallerAsync(1000, callerScenario);
        await scene.PlaceAsync("agent", agent);
        await scene.AnswerAsync(caller);
        await scene.BridgeAsync(caller, agent);
        return (caller, agent);
    }

    private static async Task HangUpAllAsync(CallScene scene, params CallScene.Peer[] peers)
    {
        foreach (var peer in peers)
        {
            scene.Media.HangUp(peer.LegId);
            await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == peer.LegId);
        }

        await scene.ShouldAllHaveSucceededAsync();
        scene.Engine.ShouldHaveNoFailedCommand();
    }
}
