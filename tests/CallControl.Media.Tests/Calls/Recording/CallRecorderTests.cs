using System.Buffers.Binary;
using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Calls.Recording;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Tests.Audio;
using CallControl.Media.Tests.Calls.Legs;

namespace CallControl.Media.Tests.Calls.Recording;

public sealed class CallRecorderTests : IDisposable
{
    private const int Frames = 50;
    private const double CallerFrequency = 440;
    private const double AgentFrequency = 1000;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"bridge-{Guid.NewGuid():N}.wav");
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _caller;
    private readonly BridgeSide _agent;
    private readonly ToneGenerator _callerTone = new([new ToneStep(CallerFrequency, TimeSpan.FromSeconds(1))], 0.25);
    private readonly ToneGenerator _agentTone = new([new ToneStep(AgentFrequency, TimeSpan.FromSeconds(1))], 0.25);
    private readonly List<short> _callerSaid = [];
    private readonly List<short> _agentSaid = [];

    public CallRecorderTests()
    {
        // Different laws on the two sides, so each channel is decoded from what its own leg received.
        _caller = _harness.AddSide(RtpLegRemote.Pcmu);
        _agent = _harness.AddSide(RtpLegRemote.Pcma);
        RtpLeg.Bridge(_caller.Leg, _agent.Leg);
    }

    [Fact]
    public void ABridgeIsRecordedWithTheFirstLegsFarEndOnTheLeftAndTheOthersOnTheRight()
    {
        using (var recorder = StartRecording())
        {
            for (var n = 0; n < Frames; n++)
            {
                CallerSays(n);
                AgentSays(n);
                _harness.Tick();
            }

            recorder.Duration.ShouldBe(TimeSpan.FromSeconds(1));
        }

        var (left, right) = ReadRecording(Frames);
        left.ShouldBe(_callerSaid);
        right.ShouldBe(_agentSaid);
        AudioMeasure.PowerAt(left, CallerFrequency).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(left, AgentFrequency));
        AudioMeasure.PowerAt(right, AgentFrequency).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(right, CallerFrequency));
    }

    [Fact]
    public void ASideThatSaysNothingIsRecordedAsSilenceSoThatBothChannelsStayOnTheClock()
    {
        using (StartRecording())
        {
            for (var n = 0; n < Frames; n++)
            {
                CallerSays(n);
                if (n >= 20)
                {
                    AgentSays(n);
                }

                _harness.Tick();
            }
        }

        var (left, right) = ReadRecording(Frames);
        left.ShouldBe(_callerSaid);
        right.AsSpan(0, 20 * 160).ToArray().ShouldAllBe(sample => sample == 0);
        right.AsSpan(20 * 160).ToArray().ShouldBe(_agentSaid);
        AudioMeasure.PowerAt(right.AsSpan(20 * 160), AgentFrequency).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(right.AsSpan(20 * 160), CallerFrequency));
    }

    [Fact]
    public void ARecordingInAFolderThatDoesNotExistFailsWhenItIsCreatedNotAtTheFirstTick()
    {
        // The engine turns this exception into a failed command, before any leg is tapped.
        var folder = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}");

        Should.Throw<DirectoryNotFoundException>(() => new CallRecorder(Path.Combine(folder, "call.wav")));

        Directory.Exists(folder).ShouldBeFalse();
    }

    [Fact]
    public void AWriteThatFailsLaterStopsTheRecordingAndIsKeptAsItsFailureInsteadOfThrowingOnTheClock()
    {
        // Linux's always-full device: it opens and seeks like a file, and every write that reaches it fails with ENOSPC.
        var recorder = new CallRecorder("/dev/full");
        var tick = 0;
        while (recorder.Failure is null && tick < 500)
        {
            recorder.OnTick(new MediaTick(++tick, LegHarness.PacketTime * tick, TimeSpan.Zero));
        }

        recorder.Failure.ShouldBeAssignableTo<IOException>();
        var recorded = recorder.Duration;
        for (var n = 0; n < 50; n++)
        {
            recorder.OnTick(new MediaTick(++tick, LegHarness.PacketTime * tick, TimeSpan.Zero));
        }

        recorder.Duration.ShouldBe(recorded);
        Should.NotThrow(recorder.Dispose);
        recorder.Failure.ShouldNotBeNull();
    }

    public void Dispose()
    {
        _harness.Dispose();
        File.Delete(_path);
    }

    private CallRecorder StartRecording()
    {
        var recorder = new CallRecorder(_path);
        _caller.Leg.SetRecordingTap(recorder.Left);
        _agent.Leg.SetRecordingTap(recorder.Right);
        _harness.AddToClock(recorder);
        return recorder;
    }

    private void CallerSays(int n)
    {
        var frame = new short[AudioFormat.FrameSamples];
        _callerTone.Read(frame);
        var codes = new byte[frame.Length];
        G711.EncodeMuLaw(frame, codes);
        G711.DecodeMuLaw(codes, frame);
        _callerSaid.AddRange(frame);
        _caller.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, (ushort)n, (uint)(160 * n), 0xCA, codes));
    }

    private void AgentSays(int n)
    {
        var frame = new short[AudioFormat.FrameSamples];
        _agentTone.Read(frame);
        var codes = new byte[frame.Length];
        G711.EncodeALaw(frame, codes);
        G711.DecodeALaw(codes, frame);
        _agentSaid.AddRange(frame);
        _agent.Say(BridgeSide.Packet(RtpLegRemote.Pcma, (ushort)n, (uint)(160 * n), 0xA6, codes));
    }

    /// <summary>The two channels of the finished file, after checking it holds exactly <paramref name="frames"/> frames of stereo.</summary>
    private (short[] Left, short[] Right) ReadRecording(int frames)
    {
        var (left, right) = StereoWav.Read(_path);
        left.Length.ShouldBe(frames * AudioFormat.FrameSamples);
        return (left, right);
    }
}
