using System.Globalization;
using System.Net;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>The parsed <see cref="WebhookDestinationOptions.Allowlist"/>: host names and networks.</summary>
internal sealed class DestinationAllowlist
{
    private const string Path = WebhookDestinationOptions.SectionName + ":Allowlist";

    private readonly HashSet<string> _hosts;
    private readonly List<IPNetwork> _networks;

    private DestinationAllowlist(HashSet<string> hosts, List<IPNetwork> networks)
    {
        _hosts = hosts;
        _networks = networks;
    }

    /// <summary>Parses every entry, adding one message per bad entry to <paramref name="problems"/>.</summary>
    public static DestinationAllowlist Parse(IReadOnlyList<string?> entries, List<string> problems)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var networks = new List<IPNetwork>();
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index]?.Trim();
            var entryPath = $"{Path}:{index.ToString(CultureInfo.InvariantCulture)}";
            if (string.IsNullOrEmpty(entry))
            {
                problems.Add($"{entryPath} is empty; give a host name, an address or a CIDR range.");
            }
            else if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (TryParseRange(entry, out var network))
                {
                    networks.Add(network);
                }
                else
                {
                    problems.Add($"{entryPath} '{entry}' is not a CIDR range; write the network address with no bits set after the prefix, e.g. 10.20.0.0/16 or fd00:1::/64.");
                }
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else if (Uri.CheckHostName(entry.TrimEnd('.')) == UriHostNameType.Dns)
            {
                hosts.Add(NormalizeHost(entry));
            }
            else
            {
                problems.Add($"{entryPath} '{entry}' is neither a host name, an IP address nor a CIDR range.");
            }
        }

        return new DestinationAllowlist(hosts, networks);
    }

    public bool ContainsHost(string host) => _hosts.Count > 0 && _hosts.Contains(NormalizeHost(host));

    /// <summary>An IPv4-mapped IPv6 address matches IPv4 ranges too, since it reaches the same IPv4 host.</summary>
    public bool Contains(IPAddress address)
    {
        var unmapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in _networks)
        {
            if (network.Contains(address) || network.Contains(unmapped))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A range whose address has bits set past the prefix (<c>10.1.0.0/8</c>) is refused rather than widened to
    /// its network: in an allowlist it is more likely a typo than a wish to open all of <c>10.0.0.0/8</c>.
    /// </summary>
    private static bool TryParseRange(string entry, out IPNetwork network)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        return IPNetwork.TryParse(entry, out network)
            && IPAddress.TryParse(entry.AsSpan(0, slash), out var written)
            && written.Equals(network.BaseAddress);
    }

    /// <summary>Host names compare without a trailing root dot, which names the same host.</summary>
    private static string NormalizeHost(string host) => host.TrimEnd('.');
}
