using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallControl.Domain;

/// <summary>
/// Writes enums with the contract's spellings (lowercase, kebab-case for multi-word names) and refuses
/// numbers, so stored events never depend on member order.
/// </summary>
public sealed class WireEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
