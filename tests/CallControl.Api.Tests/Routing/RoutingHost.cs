using CallControl.Testing;

namespace CallControl.Api.Tests.Routing;

/// <summary>The API host with routing rules for tenant t1, one number per test, and offers that expire after 2 s.</summary>
public sealed class RoutingHost : ApiHost
{
    public const int OfferTimeoutSeconds = 2;

    public static readonly (string Did, string[] Agents)[] Rules =
    [
        (Dids.NextAgent, ["next-1", "next-2"]),
        (Dids.Busy, ["busy-full", "busy-missing", "busy-free"]),
        (Dids.SecondLine, ["two-lines"]),
        (Dids.Exhausted, ["exhausted-1"]),
        (Dids.Duplicate, ["duplicate-1", "duplicate-2"]),
        (Dids.Declined, ["declined-1", "declined-2"]),
    ];

    protected override IReadOnlyDictionary<string, string> Settings { get; } = BuildSettings();

    private static Dictionary<string, string> BuildSettings()
    {
        var settings = new Dictionary<string, string> { ["Routing:OfferTimeoutSeconds"] = $"{OfferTimeoutSeconds}" };
        for (var i = 0; i < Rules.Length; i++)
        {
            settings[$"Routing:Rules:{i}:Did"] = Rules[i].Did;
            settings[$"Routing:Rules:{i}:Tenant"] = "t1";
            for (var a = 0; a < Rules[i].Agents.Length; a++)
            {
                settings[$"Routing:Rules:{i}:Agents:{a}"] = Rules[i].Agents[a];
            }
        }

        return settings;
    }

    public static class Dids
    {
        public const string NextAgent = "+15550100001";
        public const string Busy = "+15550100002";
        public const string SecondLine = "+15550100003";
        public const string Exhausted = "+15550100004";
        public const string Duplicate = "+15550100005";
        public const string Declined = "+15550100006";
        public const string Unrouted = "+15550100999";
    }
}
