using CallControl.Media.Sdp;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Sip;

/// <summary>What a SIP stack listens on and how its layers are set.</summary>
public sealed record SipStackOptions
{
    /// <summary>One UDP socket or TCP listener per entry; port 0 takes a free port.</summary>
    public required IReadOnlyList<SipEndPoint> ListenOn { get; init; }

    public SipTransportOptions Transport { get; init; } = new();

    public SipTransactionOptions Transactions { get; init; } = new();

    public SipUserAgentOptions UserAgent { get; init; } = new();
}

/// <summary>
/// The SIP stack assembled: one timer wheel, the transports, the transaction layer and the user agent on
/// top. Start one per worker; dispose it to stop listening.
/// </summary>
public sealed class SipStack : IAsyncDisposable
{
    private readonly TimerWheel _wheel;
    private readonly SipTransport _transport;
    private readonly SipTransactionLayer _transactions;

    private SipStack(TimerWheel wheel, SipTransport transport, SipTransactionLayer transactions, SipUserAgent userAgent)
    {
        _wheel = wheel;
        _transport = transport;
        _transactions = transactions;
        UserAgent = userAgent;
    }

    public SipUserAgent UserAgent { get; }

    /// <summary>Where the stack listens, with the ports actually bound.</summary>
    public IReadOnlyList<SipEndPoint> LocalEndPoints => _transport.LocalEndPoints;

    /// <summary>The transport's counters (dropped datagrams, open connections) and queues.</summary>
    public SipTransport Transport => _transport;

    /// <param name="allocateMedia">Our RTP address and port for each new call's SDP; null when no port is free.</param>
    public static SipStack Start(SipStackOptions options, Func<SipCallDirection, SdpLocalMedia?> allocateMedia, ILoggerFactory? loggers = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggers ??= NullLoggerFactory.Instance;
        var wheel = new TimerWheel(clock ?? TimeProvider.System, loggers.CreateLogger<TimerWheel>());
        SipTransport transport;
        try
        {
            transport = SipTransport.Start(options.Transport with { ListenOn = options.ListenOn }, wheel, loggers.CreateLogger<SipTransport>());
        }
        catch
        {
            wheel.Dispose();
            throw;
        }

        var transactions = new SipTransactionLayer(transport, wheel, options.Transactions, loggers.CreateLogger<SipTransactionLayer>());
        var userAgent = new SipUserAgent(transactions, wheel, transport.LocalEndPoints, allocateMedia, options.UserAgent, loggers.CreateLogger<SipUserAgent>());
        transactions.Start(userAgent);
        return new SipStack(wheel, transport, transactions, userAgent);
    }

    public async ValueTask DisposeAsync()
    {
        await _transactions.DisposeAsync();
        await _transport.DisposeAsync();
        _wheel.Dispose();
    }
}
