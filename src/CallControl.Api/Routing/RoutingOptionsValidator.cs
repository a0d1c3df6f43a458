using System.Buffers;
using System.Globalization;
using CallControl.Domain.Agents;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Routing;

/// <summary>
/// Refuses routing rules that could never route as written, naming the configuration path to fix. Registered
/// with <c>ValidateOnStart</c>, so the service does not start with them.
/// </summary>
public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    private const string Section = RoutingOptions.SectionName;

    private static readonly SearchValues<char> TenantCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = FindProblems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static List<string> FindProblems(RoutingOptions options)
    {
        var problems = new List<string>();
        if (options.OfferTimeoutSeconds is < RoutingOptions.MinOfferTimeoutSeconds or > RoutingOptions.MaxOfferTimeoutSeconds)
        {
            problems.Add(
                $"{Section}:OfferTimeoutSeconds is {options.OfferTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}; " +
                $"it must be {RoutingOptions.MinOfferTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}-{RoutingOptions.MaxOfferTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        var firstIndexByDid = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < options.Rules.Count; index++)
        {
            var rule = options.Rules[index];
            var path = $"{Section}:Rules:{index.ToString(CultureInfo.InvariantCulture)}";
            if (rule is null)
            {
                problems.Add($"{path}: the rule is empty; give it a Did and Agents.");
                continue;
            }

            CheckDid(rule, path, firstIndexByDid, index, problems);
            CheckTenant(rule, path, problems);
            CheckAgents(rule, path, problems);
        }

        return problems;
    }

    private static void CheckDid(RoutingRule rule, string path, Dictionary<string, int> firstIndexByDid, int index, List<string> problems)
    {
        if (string.IsNullOrEmpty(rule.Did))
        {
            problems.Add($"{path}:Did is required (the dialled number or user, e.g. +15551234567).");
        }
        else if (rule.Did.Any(char.IsWhiteSpace))
        {
            problems.Add($"{path}:Did '{rule.Did}' contains white space; it is compared exactly with the dialled user part.");
        }
        else if (!firstIndexByDid.TryAdd(rule.Did, index))
        {
            problems.Add($"{path}:Did '{rule.Did}' is already routed by {Section}:Rules:{firstIndexByDid[rule.Did].ToString(CultureInfo.InvariantCulture)}; every Did must be distinct.");
        }
    }

    private static void CheckTenant(RoutingRule rule, string path, List<string> problems)
    {
        if (string.IsNullOrEmpty(rule.Tenant) || rule.Tenant.Length > 64 || rule.Tenant.AsSpan().ContainsAnyExcept(TenantCharacters))
        {
            problems.Add($"{path}:Tenant '{rule.Tenant}' must be 1-64 letters, digits, '.', '_' or '-' (default '{RoutingRule.DefaultTenant}').");
        }
    }

    private static void CheckAgents(RoutingRule rule, string path, List<string> problems)
    {
        if (rule.Agents.Count == 0)
        {
            problems.Add($"{path}:Agents must list at least one agent id ({path}:Agents:0); a number nobody answers should have no rule.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rule.Agents.Count; i++)
        {
            var agent = rule.Agents[i];
            var agentPath = $"{path}:Agents:{i.ToString(CultureInfo.InvariantCulture)}";
            if (!AgentId.TryParse(agent, out _))
            {
                problems.Add($"{agentPath} '{agent}' is not an agent id (1-{AgentId.MaxLength.ToString(CultureInfo.InvariantCulture)} letters, digits, '.', '_' or '-').");
            }
            else if (!seen.Add(agent))
            {
                problems.Add($"{agentPath} '{agent}' is listed twice; an agent is offered a call at most once.");
            }
        }
    }
}
