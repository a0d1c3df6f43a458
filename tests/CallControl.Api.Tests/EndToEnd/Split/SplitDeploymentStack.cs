using System.Net;
using CallControl.Testing;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>
/// The service deployed in parts, as compose runs it: a private RabbitMQ broker, the CallControl.Api process on it
/// with no worker of its own, and a CallControl.Media worker process on it with SIP on <see cref="CallControlStack.SipEndPoint"/>.
/// The worker can be killed and a new one started on the same SIP address, and the broker stopped and started.
/// </summary>
public sealed class SplitDeploymentStack : CallControlStack
{
    private readonly List<ServiceProcess> _workers = [];

    public RabbitMqBroker Broker { get; } = new();

    /// <summary>The worker started last.</summary>
    public ServiceProcess Worker => _workers.Count > 0 ? _workers[^1] : throw new InvalidOperationException("No worker has started.");

    /// <summary>The id of the worker started last.</summary>
    public string WorkerId { get; private set; } = string.Empty;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(MessagingSettings())
    {
        ["MediaWorkers__InProcess"] = "false",
    };

    /// <summary>
    /// Starts a worker process with a new id (the last one must be dead: both would take the same SIP port) and
    /// waits until its SIP stack listens. The API counts it alive once its first heartbeat arrives.
    /// </summary>
    public async Task StartWorkerAsync()
    {
        var workerId = $"split-worker-{SipEndPoint.Port}-{_workers.Count + 1}";
        var environment = WorkerSettings(workerId);
        environment["Logging__Console__FormatterOptions__SingleLine"] = "true"; // one line per entry, as the API's logs
        foreach (var (key, value) in MessagingSettings())
        {
            environment[key] = value;
        }

        var worker = ServiceProcess.Start("CallControl.Media", environment);
        _workers.Add(worker);
        WorkerId = workerId;
        await worker.WaitForOutputAsync("SIP listening on", TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills the worker process outright: no leg is hung up, no last fact or heartbeat is sent.</summary>
    public Task KillWorkerAsync() => Worker.KillAsync();

    /// <summary>The API's readiness: the status code and the report naming the checks (and the live workers).</summary>
    public async Task<(HttpStatusCode Status, string Report)> ReadinessAsync()
    {
        using var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls readiness until <paramref name="condition"/> holds, or fails with the last report.</summary>
    public async Task<string> WaitForReadinessAsync(Func<HttpStatusCode, string, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (status, report) = await ReadinessAsync();
            if (condition(status, report))
            {
                return report;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}; /health/ready answers {(int)status} {report}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>What the processes printed and the broker logged, for a failure's message.</summary>
    public string Logs() =>
        $"--- API\n{Service.Output}\n" + string.Concat(_workers.Select((w, i) => $"--- worker {i + 1}\n{w.Output}\n")) + $"--- broker\n{Broker.Log}";

    protected override async Task StartDependenciesAsync()
    {
        await Broker.InitializeAsync();
        await StartWorkerAsync();
    }

    protected override async Task StopDependenciesAsync()
    {
        try
        {
            foreach (var worker in _workers)
            {
                await worker.DisposeAsync();
            }
        }
        finally
        {
            await Broker.DisposeAsync();
        }
    }

    /// <summary>The broker's settings in environment form, for both processes.</summary>
    private Dictionary<string, string?> MessagingSettings() =>
        Broker.Settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value);
}

/// <summary>
/// The split-deployment test classes run one after another: each brings up a broker and two service processes of
/// its own, which on a small machine is load enough for one test at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SplitDeploymentCollection
{
    public const string Name = "Split deployment";
}
