using CallControl.Media.Audio;
using CallControl.Media.Tests.Audio;
using CallControl.Testing;
using BaresipStation = CallControl.Testing.Baresip;

namespace CallControl.Media.Tests.Interop.Baresip;

/// <summary>
/// The baresip fixture proven against itself: two (or three) real stations on loopback calling each other,
/// so the media worker's interoperability tests can rely on what it reports.
/// </summary>
public sealed class BaresipStationTests
{
    private static readonly TimeSpan Step = StationPair.Step;

    [Fact]
    public async Task ACallIsEstablishedOnBothStationsAndClosedOnBothWhenTheCallerHangsUp()
    {
        await using var pair = await StationPair.StartAsync();

        await pair.Caller.DialAsync(pair.Callee.SipUri);
        var callerSide = await pair.Caller.WaitForEventAsync<BaresipEvent.CallEstablished>(Step);
        var calleeSide = await pair.Callee.WaitForEventAsync<BaresipEvent.CallEstablished>(Step);
        await pair.Caller.HangupAsync();
        var callerClosed = await pair.Caller.WaitForEventAsync<BaresipEvent.CallClosed>(Step);
        var calleeClosed = await pair.Callee.WaitForEventAsync<BaresipEvent.CallClosed>(Step);

        calleeSide.CallId.ShouldBe(callerSide.CallId);
        callerSide.Direction.ShouldBe(BaresipCallDirection.Outgoing);
        callerSide.PeerUri.ShouldBe(pair.Callee.SipUri);
        calleeSide.Direction.ShouldBe(BaresipCallDirection.Incoming);
        calleeSide.PeerUri.ShouldBe(pair.Caller.SipUri);
        callerClosed.CallId.ShouldBe(callerSide.CallId);
        callerClosed.Reason.ShouldBe("Connection reset by user");
        calleeClosed.CallId.ShouldBe(callerSide.CallId);
        calleeClosed.Reason.ShouldBe("Connection reset by peer");
    }

    [Fact]
    public async Task DigitsSentByTheCallerAreReportedOnceEachByTheCallee()
    {
        await using var pair = await StationPair.StartAsync();
        var callId = await pair.ConnectAsync();
        await pair.Callee.WaitForEventAsync<BaresipEvent.RtpEstablished>(Step, e => e.CallId == callId);

        await pair.Caller.SendDigitsAsync("123#");
        for (var i = 0; i < 4; i++)
        {
            await pair.Callee.WaitForEventAsync<BaresipEvent.DigitEnded>(Step);
        }

        // A repeated report would come within a digit's length (about 240 ms) of the last one.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        var digits = pair.Callee.Events.OfType<BaresipEvent.DigitReceived>().ToList();
        string.Concat(digits.Select(d => d.Key)).ShouldBe("123#");
        digits.ShouldAllBe(d => d.CallId == callId);
    }

    [Fact]
    public async Task HoldOffersSendOnlyToTheCalleeAndResumeOffersSendRecvAgain()
    {
        // baresip 1.0.0 has no hold event: the callee reports the re-INVITE's offer, and its SIP trace shows the direction.
        await using var pair = await StationPair.StartAsync(calleeSipTrace: true);
        var callId = await pair.ConnectAsync();
        await pair.Callee.WaitForEventAsync<BaresipEvent.RemoteSdpReceived>(Step, e => e.Kind == "offer");
        pair.Callee.Output.ShouldNotContain("a=sendonly");
        var sendRecvBeforeHold = Occurrences(pair.Callee.Output, "a=sendrecv");

        await pair.Caller.HoldAsync();
        var holdOffer = await pair.Callee.WaitForEventAsync<BaresipEvent.RemoteSdpReceived>(Step, e => e.Kind == "offer");
        await pair.Callee.WaitForOutputAsync("a=sendonly", Step);
        await pair.Callee.WaitForOutputAsync("a=recvonly", Step);
        await pair.Caller.WaitForEventAsync<BaresipEvent.RemoteSdpReceived>(Step, e => e.Kind == "answer");

        await pair.Caller.ResumeAsync();
        var resumeOffer = await pair.Callee.WaitForEventAsync<BaresipEvent.RemoteSdpReceived>(Step, e => e.Kind == "offer");
        await pair.Caller.WaitForEventAsync<BaresipEvent.RemoteSdpReceived>(Step, e => e.Kind == "answer");

        holdOffer.CallId.ShouldBe(callId);
        resumeOffer.CallId.ShouldBe(callId);
        // The resuming offer and the callee's answer to it are both sendrecv again.
        await WaitUntilAsync(() => Occurrences(pair.Callee.Output, "a=sendrecv") >= sendRecvBeforeHold + 2, Step);
        Occurrences(pair.Callee.Output, "a=sendonly").ShouldBe(1);
    }

    [Fact]
    public async Task EachStationRecordsTheOthersToneFromTheCall()
    {
        await using var pair = await StationPair.StartAsync();
        var callId = await pair.ConnectAsync();
        await pair.Callee.WaitForEventAsync<BaresipEvent.RtpEstablished>(Step, e => e.CallId == callId);
        await pair.Caller.WaitForEventAsync<BaresipEvent.RtpEstablished>(Step, e => e.CallId == callId);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await pair.Caller.HangupAsync();
        await pair.Callee.WaitForEventAsync<BaresipEvent.CallClosed>(Step);
        var heardByCallee = await pair.Callee.WaitForReceivedAudioAsync(Step);
        var heardByCaller = await pair.Caller.WaitForReceivedAudioAsync(Step);

        Path.GetFileName(heardByCallee).ShouldMatch(@"^dump-\d{4}(-\d{2}){5}-dec\.wav$");
        pair.Callee.ReceivedAudioFiles.ShouldBe([heardByCallee]);
        AssertTone(heardByCallee, StationPair.CallerTone, StationPair.CalleeTone);
        AssertTone(heardByCaller, StationPair.CalleeTone, StationPair.CallerTone);
    }

    [Fact]
    public async Task ACallerTransferredByTheCalleeCallsTheTransferTarget()
    {
        await using var pair = await StationPair.StartAsync();
        await using var target = await BaresipStation.StartAsync(new BaresipOptions
        {
            User = "target",
            ToneFrequency = 2000,
            AnswerMode = BaresipAnswerMode.Auto,
        });
        var callId = await pair.ConnectAsync();

        await pair.Callee.TransferAsync(target.SipUri);
        var request = await pair.Caller.WaitForEventAsync<BaresipEvent.TransferRequested>(Step);
        var transferred = await pair.Caller.WaitForEventAsync<BaresipEvent.CallEstablished>(Step, e => e.PeerUri == target.SipUri);
        var targetSide = await target.WaitForEventAsync<BaresipEvent.CallEstablished>(Step);
        var calleeClosed = await pair.Callee.WaitForEventAsync<BaresipEvent.CallClosed>(Step);
        var callerClosed = await pair.Caller.WaitForEventAsync<BaresipEvent.CallClosed>(Step, e => e.CallId == callId);

        request.Target.ShouldBe(target.SipUri);
        request.CallId.ShouldBe(callId);
        transferred.CallId.ShouldNotBe(callId);
        targetSide.CallId.ShouldBe(transferred.CallId);
        targetSide.PeerUri.ShouldBe(pair.Caller.SipUri);
        calleeClosed.CallId.ShouldBe(callId);
        calleeClosed.Reason.ShouldBe("Call transfered");
        callerClosed.Reason.ShouldBe("Connection reset by peer");
    }

    [Fact]
    public async Task AStationAnsweringByHandReportsTheOfferAndAnswersWhenAsked()
    {
        await using var pair = await StationPair.StartAsync();
        await pair.Callee.SetAnswerModeAsync(BaresipAnswerMode.Manual);

        await pair.Caller.DialAsync(pair.Callee.SipUri);
        var offered = await pair.Callee.WaitForEventAsync<BaresipEvent.CallOffered>(Step);
        await pair.Caller.WaitForEventAsync<BaresipEvent.RingingReported>(Step);
        var establishedBeforeAnswer = pair.Callee.Events.OfType<BaresipEvent.CallEstablished>().Any();
        await pair.Callee.AnswerAsync();
        var answered = await pair.Callee.WaitForEventAsync<BaresipEvent.CallEstablished>(Step);
        await pair.Caller.WaitForEventAsync<BaresipEvent.CallEstablished>(Step, e => e.CallId == offered.CallId);

        offered.PeerUri.ShouldBe(pair.Caller.SipUri);
        establishedBeforeAnswer.ShouldBeFalse();
        answered.CallId.ShouldBe(offered.CallId);
    }

    [Fact]
    public async Task HangingUpASelectedCallLeavesTheStationsOtherCallUp()
    {
        await using var pair = await StationPair.StartAsync();
        await using var second = await BaresipStation.StartAsync(new BaresipOptions
        {
            User = "second",
            ToneFrequency = 2000,
            AnswerMode = BaresipAnswerMode.Auto,
        });
        var firstCallId = await pair.ConnectAsync();
        await pair.Caller.DialAsync(second.SipUri);
        var secondCall = await pair.Caller.WaitForEventAsync<BaresipEvent.CallEstablished>(Step, e => e.PeerUri == second.SipUri);

        await pair.Caller.SelectCallAsync(firstCallId);
        await pair.Caller.HangupAsync();
        var closed = await pair.Caller.WaitForEventAsync<BaresipEvent.CallClosed>(Step);
        await pair.Callee.WaitForEventAsync<BaresipEvent.CallClosed>(Step, e => e.CallId == firstCallId);

        closed.CallId.ShouldBe(firstCallId);
        var calls = await pair.Caller.ListCallsAsync();
        calls.ShouldContain("Active calls (1)");
        calls.ShouldContain(second.SipUri);
        second.Events.OfType<BaresipEvent.CallClosed>().ShouldBeEmpty();
        await Should.ThrowAsync<InvalidOperationException>(() => pair.Caller.SelectCallAsync(firstCallId));
        secondCall.CallId.ShouldNotBe(firstCallId);
    }

    /// <summary>The recording is 8 kHz mono G.711 audio, clearly audible, and its strongest frequency is <paramref name="expected"/>.</summary>
    private static void AssertTone(string path, int expected, int other)
    {
        var recording = WavLoop.Load(path);
        recording.Format.ShouldBe(new WavFormat(WavFormat.Pcm, 1, 8000, 16));
        recording.SampleCount.ShouldBeGreaterThan(4000, "at least half a second of received audio");
        var samples = new short[recording.SampleCount];
        recording.Read(samples);

        var rms = Math.Sqrt(samples.Average(s => (double)s * s));
        rms.ShouldBeGreaterThan(1000, "the recording is not silence");
        var dominant = Enumerable.Range(10, 380).Select(step => step * 10).MaxBy(f => AudioMeasure.PowerAt(samples, f));
        dominant.ShouldBeInRange(expected - 20, expected + 20);
        AudioMeasure.PowerAt(samples, expected).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(samples, other));
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }
}
