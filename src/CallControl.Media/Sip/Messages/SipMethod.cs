using System.Text;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// A request method. Methods are case-sensitive tokens; the known ones are shared instances and any
/// other token is an extension method.
/// </summary>
public readonly struct SipMethod : IEquatable<SipMethod>
{
    public static readonly SipMethod Invite = new("INVITE");
    public static readonly SipMethod Ack = new("ACK");
    public static readonly SipMethod Bye = new("BYE");
    public static readonly SipMethod Cancel = new("CANCEL");
    public static readonly SipMethod Options = new("OPTIONS");
    public static readonly SipMethod Register = new("REGISTER");
    public static readonly SipMethod Prack = new("PRACK");
    public static readonly SipMethod Subscribe = new("SUBSCRIBE");
    public static readonly SipMethod Notify = new("NOTIFY");
    public static readonly SipMethod Publish = new("PUBLISH");
    public static readonly SipMethod Info = new("INFO");
    public static readonly SipMethod Refer = new("REFER");
    public static readonly SipMethod Message = new("MESSAGE");
    public static readonly SipMethod Update = new("UPDATE");

    private static readonly SipMethod[] Known =
        [Invite, Ack, Bye, Cancel, Options, Register, Prack, Subscribe, Notify, Publish, Info, Refer, Message, Update];

    private readonly string? _name;

    private SipMethod(string name) => _name = name;

    /// <summary>The method token as sent on the wire, such as <c>INVITE</c>.</summary>
    public string Name => _name ?? string.Empty;

    /// <summary>True for the methods of RFC 3261 and its common extensions listed as fields here.</summary>
    public bool IsKnown => Array.IndexOf(Known, this) >= 0;

    /// <summary>Returns the method named by <paramref name="name"/>, which must be a token.</summary>
    /// <exception cref="ArgumentException">The name is not a token.</exception>
    public static SipMethod Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var utf8 = Encoding.UTF8.GetBytes(name);
        return TryParse(utf8, out var method)
            ? method
            : throw new ArgumentException($"'{name}' is not a SIP method token.", nameof(name));
    }

    /// <summary>Reads a method token without allocating for the known methods.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out SipMethod method)
    {
        if (!SipGrammar.IsToken(utf8))
        {
            method = default;
            return false;
        }

        foreach (var known in Known)
        {
            if (utf8.Length == known.Name.Length && Ascii.Equals(utf8, known.Name))
            {
                method = known;
                return true;
            }
        }

        method = new SipMethod(Encoding.ASCII.GetString(utf8));
        return true;
    }

    public bool Equals(SipMethod other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SipMethod other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;

    public static bool operator ==(SipMethod left, SipMethod right) => left.Equals(right);

    public static bool operator !=(SipMethod left, SipMethod right) => !left.Equals(right);
}
