using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Routing;

/// <summary>The configured rules by number, read once at start (validation guarantees one rule per number).</summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<string, RoutingRule> _byDid;

    public RoutingTable(IOptions<RoutingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OfferTimeout = options.Value.OfferTimeout;
        _byDid = options.Value.Rules.ToFrozenDictionary(rule => rule.Did!, StringComparer.Ordinal);
    }

    public TimeSpan OfferTimeout { get; }

    /// <summary>The rule for the dialled number or user, by exact (ordinal) comparison; null when none routes it.</summary>
    public RoutingRule? Find(string dialled) => _byDid.GetValueOrDefault(dialled);
}
