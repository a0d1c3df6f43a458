using CallControl.Testing;

namespace CallControl.Api.Tests.Http;

/// <summary>
/// The API host on a port of the system's choosing. appsettings.json names a fixed port (5080) for the local run,
/// and that setting wins over <c>UseKestrel(0)</c>, so test classes running side by side would fight over it.
/// </summary>
public sealed class HttpApiHost : ApiHost
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Urls"] = "http://127.0.0.1:0",
    };
}
