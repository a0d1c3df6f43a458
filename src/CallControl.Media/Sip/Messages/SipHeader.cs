using System.Text;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// One header field: its name and its value bytes as received (folding undone, surrounding whitespace
/// removed). Known names are held in their canonical long form; other names exactly as received. A
/// known header's value is checked and read once, when the header is made, and typed accessors on
/// <see cref="SipMessage"/> reuse that reading. Equality compares names ignoring case and values exactly.
/// </summary>
public sealed class SipHeader : IEquatable<SipHeader>
{
    private string? _value;

    /// <summary>Makes a header from text.</summary>
    /// <exception cref="ArgumentException">
    /// The name is not a token, the value holds a line break or NUL, or a known header's value does not parse.
    /// </exception>
    public SipHeader(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var nameUtf8 = Encoding.UTF8.GetBytes(name);
        if (!SipGrammar.IsToken(nameUtf8))
        {
            throw new ArgumentException($"'{name}' is not a header name.", nameof(name));
        }

        var valueUtf8 = Encoding.UTF8.GetBytes(value.Trim(' ', '\t'));
        if (valueUtf8.AsSpan().IndexOfAny("\r\n\0"u8) >= 0)
        {
            throw new ArgumentException("A header value must not hold CR, LF or NUL.", nameof(value));
        }

        Name = SipHeaderNames.Find(nameUtf8) ?? name;
        RawValue = valueUtf8;
        IsValid = SipHeaderValues.TryParse(Name, valueUtf8, out var parsed);
        if (!IsValid)
        {
            throw new ArgumentException($"'{value}' is not a valid {Name} value.", nameof(value));
        }

        Parsed = parsed;
    }

    internal SipHeader(string name, ReadOnlyMemory<byte> rawValue, bool isValid, object? parsed)
    {
        Name = name;
        RawValue = rawValue;
        IsValid = isValid;
        Parsed = parsed;
    }

    /// <summary>The canonical long name for a known header, otherwise the name as received.</summary>
    public string Name { get; }

    /// <summary>The value bytes as received, without the folding line breaks.</summary>
    public ReadOnlyMemory<byte> RawValue { get; }

    /// <summary>The value as text (UTF-8).</summary>
    public string Value => _value ??= Encoding.UTF8.GetString(RawValue.Span);

    /// <summary>
    /// False only for a known header whose value did not parse; such headers appear only in what
    /// <see cref="SipParseError.Headers"/> salvaged from an invalid message.
    /// </summary>
    public bool IsValid { get; }

    /// <summary>The typed reading of a known header's value, shared by the message's accessors.</summary>
    internal object? Parsed { get; }

    internal static SipHeader FromTyped(string name, string value, object parsed) =>
        new(name, Encoding.UTF8.GetBytes(value), true, parsed);

    public bool Equals(SipHeader? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase)
        && RawValue.Span.SequenceEqual(other.RawValue.Span);

    public override bool Equals(object? obj) => Equals(obj as SipHeader);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.OrdinalIgnoreCase);
        hash.AddBytes(RawValue.Span);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{Name}: {Value}";
}
