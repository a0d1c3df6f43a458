using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>
/// The service as a user runs it: the real CallControl.Api process with its media worker in the same
/// process (the default local run), over a fresh database, SIP on a free loopback port. Tests call it over
/// HTTP and put SIPp phones on the other end of its calls. A subclass can put the worker elsewhere (see
/// <c>Split/SplitDeploymentStack</c>) by starting it in <see cref="StartDependenciesAsync"/> and giving the
/// API its own <see cref="Settings"/>.
/// </summary>
public class CallControlStack : IAsyncLifetime
{
    public const string DialledNumber = "+18005550100";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private ServiceProcess? _service;

    public PostgresDatabase Database { get; } = new();

    public IPEndPoint SipEndPoint { get; } = new(IPAddress.Loopback, LoopbackPorts.Free());

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("The stack has not started.");

    /// <summary>The API's settings beyond its database and routing: by default those of the worker it hosts.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => WorkerSettings("worker-" + SipEndPoint.Port);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await StartDependenciesAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__EventStore"] = Database.ConnectionString,
            ["Routing__OfferTimeoutSeconds"] = "2",
            ["Webhooks__Destinations__AllowPrivateNetworks"] = "true",
            ["Routing__Rules__0__Did"] = DialledNumber,
            ["Routing__Rules__0__Agents__0"] = "in-a1",
            ["Routing__Rules__0__Agents__1"] = "in-a2",
        };
        foreach (var (key, value) in Settings)
        {
            environment[key] = value;
        }

        _service = ServiceProcess.Start("CallControl.Api", environment);
        await _service.WaitUntilAsync("/health/ready", TimeSpan.FromSeconds(60));
    }

    /// <summary>What must run before the API starts (the database is ready by then).</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartDependenciesAsync"/> started, after the API has stopped.</summary>
    protected virtual Task StopDependenciesAsync() => Task.CompletedTask;

    /// <summary>
    /// A media worker's settings, in environment form, with SIP on <see cref="SipEndPoint"/> and media ports derived
    /// from it. SIPp phones send no RTP: the RTP timeout is set past any test's length so that no call ends for that.
    /// </summary>
    protected Dictionary<string, string?> WorkerSettings(string workerId)
    {
        var media = 20000 + (SipEndPoint.Port % 200 * 100);
        return new Dictionary<string, string?>
        {
            ["Media__SipAddress"] = SipEndPoint.ToString(),
            ["Media__MediaPortRange"] = $"{media}-{media + 99}",
            ["Media__WorkerId"] = workerId,
            ["Media__RecordingDirectory"] = Path.Combine(Path.GetTempPath(), "callcontrol-e2e-recordings-" + SipEndPoint.Port),
            ["Media__RtpTimeoutSeconds"] = "300",
        };
    }

    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dev-key");
        return client;
    }

    /// <summary>
    /// A SIPp phone (see Scenarios/phone.xml) listening for the service's call, its media going to <paramref name="mediaPort"/>;
    /// <paramref name="keys"/> are further <c>[name]</c> values for the scenario.
    /// </summary>
    public async Task<Sipp> PhoneAsync(string scenario = "phone.xml", int mediaPort = 0, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? keys = null)
    {
        var allKeys = new Dictionary<string, string>(keys ?? new Dictionary<string, string>())
        {
            ["obs"] = (mediaPort == 0 ? LoopbackPorts.Free() : mediaPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var sipp = Sipp.Start(new SippRun(Path.Combine("EndToEnd", "Scenarios", scenario), SipEndPoint)
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
            Keys = allKeys,
            Arguments = ["-trace_msg"],
        });
        await sipp.WaitUntilListeningAsync(SippTransport.Udp, TimeSpan.FromSeconds(10));
        return sipp;
    }

    public static string Uri(Sipp phone, string user) => $"sip:{user}@127.0.0.1:{phone.LocalPort}";

    public async Task PutAgentAsync(HttpClient client, string agentId, Sipp station)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = Uri(station, agentId) } });
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Registers <paramref name="agentId"/> at <paramref name="station"/>, calls <paramref name="customerUri"/> for it,
    /// and returns the conversation once both answered.
    /// </summary>
    public async Task<JsonElement> DialAsync(HttpClient client, string agentId, Sipp station, string customerUri)
    {
        await PutAgentAsync(client, agentId, station);
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = customerUri });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        return await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "connected", "station and customer to answer");
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string conversationId) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{conversationId}")).RootElement.Clone();

    /// <summary>Polls the conversation until <paramref name="condition"/> holds, for <see cref="Patience"/> unless told otherwise.</summary>
    public static async Task<JsonElement> WaitForAsync(
        HttpClient client, string conversationId, Func<JsonElement, bool> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (true)
        {
            var conversation = await GetAsync(client, conversationId);
            if (condition(conversation))
            {
                return conversation;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}; the conversation is {conversation}");
            }

            await Task.Delay(100);
        }
    }

    public static JsonElement Participant(JsonElement conversation, Func<JsonElement, bool> which) =>
        conversation.GetProperty("participants").EnumerateArray().First(which);

    public static string State(JsonElement participant) => participant.GetProperty("state").GetString()!;

    /// <summary>Posts a command, waiting for the media layer's answer.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> CommandAsync(HttpClient client, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("Prefer", "wait=5");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_service is not null)
            {
                await _service.DisposeAsync();
            }

            await StopDependenciesAsync();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }
}
