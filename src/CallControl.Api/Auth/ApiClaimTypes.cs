namespace CallControl.Api.Auth;

/// <summary>Claims carried by a principal authenticated with an API key.</summary>
public static class ApiClaimTypes
{
    /// <summary>The tenant the key belongs to; exactly one per principal.</summary>
    public const string Tenant = "callcontrol:tenant";

    /// <summary>One claim per scope the key grants (see <see cref="ApiScopes"/>).</summary>
    public const string Scope = "callcontrol:scope";

    /// <summary>The key's configured label, also the identity's name; never the key itself.</summary>
    public const string KeyName = "callcontrol:key-name";
}
