namespace CallControl.Api.Routing;

/// <summary>
/// The <c>Routing</c> configuration section: which agents an inbound call to a number is offered to, in order,
/// and how long each offer rings. Environment-variable friendly: <c>Routing__OfferTimeoutSeconds</c>,
/// <c>Routing__Rules__0__Did</c>, <c>Routing__Rules__0__Tenant</c>, <c>Routing__Rules__0__Agents__0</c>.
/// </summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    public const int DefaultOfferTimeoutSeconds = 20;

    public const int MinOfferTimeoutSeconds = 1;

    public const int MaxOfferTimeoutSeconds = 600;

    /// <summary>How long an agent has to accept an offer before it is withdrawn and the next agent is offered.</summary>
    public int OfferTimeoutSeconds { get; set; } = DefaultOfferTimeoutSeconds;

    /// <summary><c>Routing:Rules:N:*</c>. A call to a number no rule names is refused with SIP 404.</summary>
    public List<RoutingRule> Rules { get; init; } = [];

    public TimeSpan OfferTimeout => TimeSpan.FromSeconds(OfferTimeoutSeconds);
}

/// <summary>One number and the agents its calls are offered to, first to last.</summary>
public sealed class RoutingRule
{
    public const string DefaultTenant = "default";

    /// <summary>
    /// The dialled number or user, compared exactly (ordinal) with the request URI's user part the media worker
    /// reports as <c>To</c>: <c>+15551234567</c> and <c>15551234567</c> are different numbers here.
    /// </summary>
    public string? Did { get; set; }

    /// <summary>The tenant the conversation belongs to and whose agents are offered.</summary>
    public string Tenant { get; set; } = DefaultTenant;

    public List<string> Agents { get; init; } = [];
}
