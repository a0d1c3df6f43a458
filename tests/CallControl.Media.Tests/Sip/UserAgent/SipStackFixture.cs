using System.Net;
using System.Threading.Channels;
using CallControl.Media.Sdp;
using CallControl.Media.Sip;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;
using CallControl.Testing;

namespace CallControl.Media.Tests.Sip.UserAgent;

/// <summary>A stack on loopback (UDP and TCP on free ports) and the events of its calls, for SIPp to talk to.</summary>
public sealed class SipStackUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static int _nextRtpPort = 40000;

    private SipStackUnderTest(SipStack stack) => Stack = stack;

    public SipStack Stack { get; }

    public SipUserAgent UserAgent => Stack.UserAgent;

    public IPEndPoint Udp => Stack.LocalEndPoints.First(e => e.Kind == SipTransportKind.Udp).EndPoint;

    public IPEndPoint Tcp => Stack.LocalEndPoints.First(e => e.Kind == SipTransportKind.Tcp).EndPoint;

    public IPEndPoint On(SippTransport transport) => transport == SippTransport.Udp ? Udp : Tcp;

    public static SipStackUnderTest Start(string address = "127.0.0.1", SipUserAgentOptions? userAgent = null)
    {
        var ip = IPAddress.Parse(address);
        var stack = SipStack.Start(
            new SipStackOptions
            {
                ListenOn = [SipEndPoint.Udp(new IPEndPoint(ip, 0)), SipEndPoint.Tcp(new IPEndPoint(ip, 0))],
                UserAgent = userAgent ?? new SipUserAgentOptions(),
            },
            _ => new SdpLocalMedia(ip, Interlocked.Add(ref _nextRtpPort, 2)));
        return new SipStackUnderTest(stack);
    }

    /// <summary>The next call event, failing the test after <see cref="Patience"/>.</summary>
    public async Task<SipCallEvent> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            return await UserAgent.Events.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The stack reported no call event in time.");
        }
    }

    /// <summary>Reads events until one of type <typeparamref name="T"/> (the ones before it are returned too, for checks).</summary>
    public async Task<T> NextOfAsync<T>(List<SipCallEvent>? seen = null)
        where T : SipCallEvent
    {
        while (true)
        {
            var next = await NextAsync();
            seen?.Add(next);
            if (next is T wanted)
            {
                return wanted;
            }
        }
    }

    /// <summary>Runs the test's steps; when one fails, SIPp's own account is added to the failure.</summary>
    public static async Task WithSippAsync(Sipp sipp, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception ex) when (ex is TimeoutException or ShouldAssertException)
        {
            var result = await sipp.WaitAsync(TimeSpan.FromSeconds(1));
            throw new TimeoutException($"{ex.Message}\n{result}", ex);
        }

        var finished = await sipp.WaitAsync(TimeSpan.FromSeconds(30));
        finished.Succeeded.ShouldBeTrue(finished.ToString());
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}
