namespace CallControl.Api.Webhooks.Delivery;

/// <summary>The <c>Webhooks:Destinations</c> configuration section: where deliveries may go besides the public internet.</summary>
public sealed class WebhookDestinationOptions
{
    public const string SectionName = "Webhooks:Destinations";

    /// <summary>
    /// Whether deliveries may reach loopback, private, link-local and the other non-public address classes.
    /// Unset means true in Development (receivers on the developer's machine) and false everywhere else.
    /// </summary>
    public bool? AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Destinations always allowed whatever their address class: host names (matched exactly, case-insensitively),
    /// single addresses, or CIDR ranges such as <c>10.20.0.0/16</c> or <c>fd00:1::/64</c>.
    /// </summary>
    public List<string> Allowlist { get; init; } = [];
}
