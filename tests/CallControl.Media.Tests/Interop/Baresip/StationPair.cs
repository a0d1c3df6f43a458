using CallControl.Testing;
using BaresipStation = CallControl.Testing.Baresip;

namespace CallControl.Media.Tests.Interop.Baresip;

/// <summary>
/// Two baresip stations on loopback: a caller sending a 440 Hz tone and a callee that answers by itself and
/// sends 1000 Hz, so each end's recording says whose audio it holds.
/// </summary>
internal sealed class StationPair : IAsyncDisposable
{
    public const int CallerTone = 440;
    public const int CalleeTone = 1000;

    /// <summary>Long enough for a loaded machine; a healthy one answers in milliseconds.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    private StationPair(BaresipStation caller, BaresipStation callee)
    {
        Caller = caller;
        Callee = callee;
    }

    public BaresipStation Caller { get; }

    public BaresipStation Callee { get; }

    public static async Task<StationPair> StartAsync(bool calleeSipTrace = false)
    {
        BaresipStation.IsInstalled.ShouldBeTrue("baresip is installed by test.sh (Debian package baresip-core)");
        var caller = await BaresipStation.StartAsync(new BaresipOptions { User = "caller", ToneFrequency = CallerTone });
        try
        {
            var callee = await BaresipStation.StartAsync(new BaresipOptions
            {
                User = "callee",
                ToneFrequency = CalleeTone,
                AnswerMode = BaresipAnswerMode.Auto,
                SipTrace = calleeSipTrace,
            });
            return new StationPair(caller, callee);
        }
        catch
        {
            await caller.DisposeAsync();
            throw;
        }
    }

    /// <summary>The caller dials the callee; returns once both report the call established, with its Call-ID.</summary>
    public async Task<string> ConnectAsync()
    {
        await Caller.DialAsync(Callee.SipUri);
        var callerSide = await Caller.WaitForEventAsync<BaresipEvent.CallEstablished>(Step);
        var calleeSide = await Callee.WaitForEventAsync<BaresipEvent.CallEstablished>(Step, e => e.CallId == callerSide.CallId);
        calleeSide.Direction.ShouldBe(BaresipCallDirection.Incoming);
        return callerSide.CallId.ShouldNotBeNull();
    }

    public async ValueTask DisposeAsync()
    {
        await Caller.DisposeAsync();
        await Callee.DisposeAsync();
    }
}
