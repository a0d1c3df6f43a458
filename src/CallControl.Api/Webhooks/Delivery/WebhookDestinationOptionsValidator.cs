using Microsoft.Extensions.Options;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>Rejects allowlist entries that are neither host names, addresses nor CIDR ranges, naming the entry to fix.</summary>
public sealed class WebhookDestinationOptionsValidator : IValidateOptions<WebhookDestinationOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDestinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        DestinationAllowlist.Parse(options.Allowlist, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
