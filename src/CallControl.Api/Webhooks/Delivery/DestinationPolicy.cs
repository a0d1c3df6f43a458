using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>
/// Where webhook deliveries may go. Subscribers choose the URL, so without this the service would POST wherever
/// they point it: its own admin ports, the database, a cloud metadata endpoint. Only public addresses are
/// reachable unless <see cref="WebhookDestinationOptions"/> allows private networks or allowlists the destination.
/// </summary>
/// <remarks>
/// Three checkpoints, each with the same rules: <see cref="ValidateUrl"/> when a webhook is registered (shape only),
/// <see cref="CheckResolvedAsync"/> then (addresses the host has now), and the connect step of
/// <see cref="CreateClient"/> on every new connection (the address actually dialled, so a host that resolves
/// differently later, DNS rebinding, is still caught).
/// </remarks>
public sealed partial class DestinationPolicy
{
    /// <summary>Longest URL accepted, in characters, as given and once normalised.</summary>
    public const int MaxUrlLength = 2048;

    private readonly DestinationAllowlist _allowlist;

    public DestinationPolicy(IOptions<WebhookDestinationOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);

        var value = options.Value;
        var problems = new List<string>();
        _allowlist = DestinationAllowlist.Parse(value.Allowlist, problems);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WebhookDestinationOptions), problems);
        }

        AllowsPrivateNetworks = value.AllowPrivateNetworks ?? environment.IsDevelopment();
    }

    /// <summary>Whether every address class is reachable (configured, or defaulted from the environment).</summary>
    public bool AllowsPrivateNetworks { get; }

    /// <summary>
    /// Whether <paramref name="url"/> has a shape deliveries can use: absolute http or https, a host, no
    /// credentials, no whitespace, at most <see cref="MaxUrlLength"/> characters. No network access.
    /// </summary>
    public (bool Ok, string? Error) ValidateUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return (false, "The URL is required.");
        }

        if (url.Length > MaxUrlLength)
        {
            return (false, $"The URL is longer than {MaxUrlLength.ToString(CultureInfo.InvariantCulture)} characters.");
        }

        // Uri would trim or escape these silently; a subscriber should see the URL that will be called.
        if (url.AsSpan().ContainsAnyInRange('\0', ' ') || url.Contains('\u007f', StringComparison.Ordinal))
        {
            return (false, "The URL contains whitespace or control characters; percent-encode them.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return (false, "The URL is not an absolute URL such as https://example.com/webhooks.");
        }

        return ValidateUri(uri);
    }

    /// <summary>
    /// Resolves the URL's host (or takes its literal address) and refuses it when any address it has is not
    /// allowed, naming the address and its class. A refusal can change later: DNS answers change.
    /// </summary>
    public async Task<(bool Ok, string? Error)> CheckResolvedAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var shape = ValidateUri(url);
        if (!shape.Ok)
        {
            return shape;
        }

        var host = HostOf(url);
        if (_allowlist.ContainsHost(host))
        {
            return (true, null);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return (false, $"The host '{host}' could not be resolved ({ex.SocketErrorCode}).");
        }

        foreach (var address in addresses)
        {
            var refusal = Refusal(host, address);
            if (refusal is not null)
            {
                return (false, refusal);
            }
        }

        return (true, null);
    }

    /// <summary>Whether deliveries may connect to <paramref name="address"/>, and if not, why.</summary>
    public (bool Ok, string? Error) CheckAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var refusal = Refusal(null, address);
        return (refusal is null, refusal);
    }

    private static (bool Ok, string? Error) ValidateUri(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return (false, "The URL is not an absolute URL such as https://example.com/webhooks.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return (false, $"The URL scheme '{uri.Scheme}' is not allowed; use https (or http).");
        }

        if (uri.UserInfo.Length > 0)
        {
            return (false, "The URL contains credentials (user:password@); webhook requests are authenticated by their signature.");
        }

        if (uri.Host.Length == 0)
        {
            return (false, "The URL has no host.");
        }

        if (uri.AbsoluteUri.Length > MaxUrlLength)
        {
            return (false, $"The URL is longer than {MaxUrlLength.ToString(CultureInfo.InvariantCulture)} characters once normalised.");
        }

        return (true, null);
    }

    /// <summary>The host as DNS and sockets take it: IDN in punycode, IPv6 without brackets.</summary>
    private static string HostOf(Uri uri) => Unbracket(uri.IdnHost);

    private static string Unbracket(string host) =>
        host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    /// <summary>A literal stays itself (no lookup); a name resolves through the system resolver.</summary>
    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Why <paramref name="address"/> may not be reached, or null when it may.</summary>
    private string? Refusal(string? host, IPAddress address)
    {
        if (AllowsPrivateNetworks)
        {
            return null;
        }

        var addressClass = Classify(address);
        if (addressClass == AddressClass.Public || _allowlist.Contains(address))
        {
            return null;
        }

        var text = address.ToString();
        var subject = host is null || string.Equals(Unbracket(host), text, StringComparison.OrdinalIgnoreCase)
            ? $"{text} is"
            : $"'{host}' resolves to {text}, which is";
        return $"{subject} {Describe(addressClass)}; webhooks are only delivered to public internet addresses unless the destination is allowlisted.";
    }
}
