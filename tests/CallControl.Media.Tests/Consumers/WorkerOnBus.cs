using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CallControl.Domain.Media;
using CallControl.Media.Hosting;
using CallControl.Media.Hosting.Messaging;
using CallControl.Media.Tests.Calls.Engine;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallControl.Media.Tests.Consumers;

/// <summary>
/// A media worker registered as the hosts register it, on a real in-memory MassTransit bus, with SIP on a free
/// loopback port; every fact published on the bus is collected for the test to wait on, and commands are sent to
/// the worker's queue as the API sends them.
/// </summary>
internal sealed class WorkerOnBus : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Each worker of the test run gets its own block of media ports, clear of the engine tests' (50000-57999).
    private static int _nextBlock;

    private readonly IHost _host;
    private readonly CapturingLoggers _loggers;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"callcontrol-worker-{Guid.NewGuid():N}");
    private readonly List<Sipp> _peers = [];
    private readonly List<UdpClient> _sinks = [];

    private WorkerOnBus(IHost host, CapturingLoggers loggers, string workerId, int sipPort)
    {
        _host = host;
        _loggers = loggers;
        WorkerId = workerId;
        SipPort = sipPort;
        Facts = host.Services.GetRequiredService<Sightings<object>>();
        Directory.CreateDirectory(_directory);
    }

    public string WorkerId { get; }

    public int SipPort { get; }

    public Sightings<object> Facts { get; }

    public string TenantId { get; } = "tenant-" + Guid.NewGuid().ToString("N")[..8];

    public string ConversationId { get; } = Guid.CreateVersion7().ToString();

    public static async Task<WorkerOnBus> StartAsync(IDictionary<string, string?>? settings = null)
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        var low = 58000 + (100 * (Interlocked.Increment(ref _nextBlock) % 15));
        var sipPort = LoopbackPorts.Free();
        var workerId = "test-" + Guid.NewGuid().ToString("N")[..12];
        var configuration = new Dictionary<string, string?>
        {
            ["Media:WorkerId"] = workerId,
            ["Media:SipAddress"] = $"127.0.0.1:{sipPort}",
            ["Media:MediaPortRange"] = $"{low}-{low + 99}",
            // The SIPp peers name a sink, not themselves, as their media address: send where the SDP says.
            ["Media:SymmetricRtp"] = "Off",
            ["Media:RecordingDirectory"] = Path.Combine(Path.GetTempPath(), $"callcontrol-recordings-{workerId}"),
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[name] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        var loggers = new CapturingLoggers();
        builder.Services.AddSingleton<ILoggerFactory>(loggers);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<Sightings<object>>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddMediaWorkerConsumers(MediaWorkerOptions.WorkerIdFrom(builder.Configuration));
            bus.AddConsumer<FactCollector>();
            bus.UsingCallControlTransport(new MessagingOptions(), (context, transport) => transport.ConfigureEndpoints(context));
        });
        builder.Services.AddMediaWorker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new WorkerOnBus(host, loggers, workerId, sipPort);
    }

    /// <summary>Sends a command to the worker's queue, as the API's media dispatch does.</summary>
    public async Task SendAsync<T>(T command)
        where T : class
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:" + MediaQueues.ForWorker(WorkerId)));
        await endpoint.Send(command);
    }

    /// <summary>A SIPp run of one of this folder's scenarios against the worker, with a sink for the media the worker sends.</summary>
    public Sipp StartPeer(string scenario, params string[] arguments)
    {
        var sink = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _sinks.Add(sink);
        var run = new SippRun(Path.Combine(AppContext.BaseDirectory, "Consumers", "Scenarios", scenario), new IPEndPoint(IPAddress.Loopback, SipPort))
        {
            Timeout = TimeSpan.FromSeconds(40),
            Keys = new Dictionary<string, string> { ["sink"] = ((IPEndPoint)sink.Client.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture) },
            Arguments = arguments,
        };
        var sipp = Sipp.Start(run);
        _peers.Add(sipp);
        return sipp;
    }

    /// <summary>A SIPp callee, listening before this returns; <c>sip:</c> URI to call it at.</summary>
    public async Task<string> CalleeAsync(string scenario)
    {
        var sipp = StartPeer(scenario);
        await sipp.WaitUntilListeningAsync(SippTransport.Udp, TimeSpan.FromSeconds(10));
        return $"sip:peer@127.0.0.1:{sipp.LocalPort}";
    }

    /// <summary>Every SIPp peer ran its scenario to the end (its checks included).</summary>
    public async Task ShouldAllPeersHaveSucceededAsync()
    {
        foreach (var peer in _peers)
        {
            var result = await peer.WaitAsync(TimeSpan.FromSeconds(20));
            result.Succeeded.ShouldBeTrue(result + "\nWorker log:\n" + string.Join("\n", _loggers.Lines));
        }
    }

    /// <summary>Waits for the first fact of type <typeparamref name="T"/> that matches, published so far or later.</summary>
    public Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : class =>
        Facts.WaitForAsync(match, Patience, () => string.Join("\n", _loggers.Lines));

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        foreach (var peer in _peers)
        {
            await peer.DisposeAsync();
        }

        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Collects every fact the worker publishes, as the API's consumers would receive them.</summary>
internal sealed class FactCollector :
    IConsumer<LegAlerting>,
    IConsumer<LegAnswered>,
    IConsumer<LegHeld>,
    IConsumer<LegResumed>,
    IConsumer<LegMuted>,
    IConsumer<LegUnmuted>,
    IConsumer<LegRemoteHoldChanged>,
    IConsumer<LegCommandFailed>,
    IConsumer<LegEnded>,
    IConsumer<DigitsReceived>,
    IConsumer<RecordingStarted>,
    IConsumer<RecordingStopped>,
    IConsumer<RecordingFailed>,
    IConsumer<InboundCallReceived>,
    IConsumer<LegTransferRequested>,
    IConsumer<MediaWorkerHeartbeat>
{
    private readonly Sightings<object> _log;

    public FactCollector(Sightings<object> log) => _log = log;

    public Task Consume(ConsumeContext<LegAlerting> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegAnswered> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegHeld> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegResumed> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegMuted> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegUnmuted> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegRemoteHoldChanged> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegCommandFailed> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegEnded> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<DigitsReceived> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<RecordingStarted> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<RecordingStopped> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<RecordingFailed> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<InboundCallReceived> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<LegTransferRequested> context) => Keep(context.Message);

    public Task Consume(ConsumeContext<MediaWorkerHeartbeat> context) => Keep(context.Message);

    private Task Keep(object fact)
    {
        _log.Add(fact);
        return Task.CompletedTask;
    }
}
