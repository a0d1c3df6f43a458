using System.Text.RegularExpressions;
using FluentValidation;

namespace CallControl.Api.Http;

/// <summary>The address forms the contract accepts, as FluentValidation rules.</summary>
public static partial class AddressRules
{
    public const int MaxUriLength = 256;
    public const int MaxNameLength = 64;

    /// <summary>A <c>sip:</c>/<c>sips:</c> URI: optional user part, a host (name, IPv4 or bracketed IPv6), optional port and parameters.</summary>
    public static bool IsSipUri(string? value) => value is { Length: > 0 and <= MaxUriLength } && SipUri().IsMatch(value);

    /// <summary>E.164: a plus, a non-zero digit, then 6 to 14 more digits.</summary>
    public static bool IsE164(string? value) => value is not null && E164().IsMatch(value);

    public static bool IsPrintable(string? value) => value is null || !value.Any(char.IsControl);

    public static IRuleBuilderOptions<T, string?> SipUriRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(IsSipUri).WithMessage($"Must be a sip: URI (at most {MaxUriLength} characters), e.g. sip:alice@192.0.2.10:5060.");

    public static IRuleBuilderOptions<T, string?> DialableRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(v => IsSipUri(v) || IsE164(v)).WithMessage("Must be a sip: URI or an E.164 number such as +15551234567.");

    public static IRuleBuilderOptions<T, string?> NameRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxNameLength).Must(IsPrintable).WithMessage($"Must be at most {MaxNameLength} printable characters.");

    [GeneratedRegex(@"^sips?:([A-Za-z0-9\-_.!~*'()&=+$,;?/%]+@)?([A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?(;[A-Za-z0-9\-_.!~*'()%=;:+]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SipUri();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
