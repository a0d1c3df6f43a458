using System.Globalization;
using System.Text;

namespace CallControl.Media.Sip.Messages;

/// <summary>One Via value: the hop's transport and sent-by address, plus its parameters.</summary>
public sealed record Via
{
    /// <summary>The branch prefix that marks an RFC 3261 transaction id.</summary>
    public const string MagicCookie = "z9hG4bK";

    /// <summary>The protocol name and version, normally <c>SIP/2.0</c>.</summary>
    public string Protocol { get; init; } = "SIP/2.0";

    /// <summary>The transport token as written, such as <c>UDP</c> or <c>TLS</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>The sent-by host: a name, an IPv4 address or an IPv6 reference in brackets.</summary>
    public required string Host { get; init; }

    /// <summary>The sent-by port, or null when none is written.</summary>
    public int? Port { get; init; }

    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The <c>branch</c> parameter, or null.</summary>
    public string? Branch => Parameters["branch"];

    /// <summary>The <c>received</c> parameter as written (an IPv6 address may or may not have brackets).</summary>
    public string? Received => Parameters["received"];

    /// <summary>True when <c>rport</c> is present, with or without a value (RFC 3581).</summary>
    public bool HasRPort => Parameters.Contains("rport");

    /// <summary>The value of <c>rport</c> when it has a numeric one.</summary>
    public int? RPort =>
        Parameters["rport"] is { } value && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;

    /// <summary>True when the branch starts with the RFC 3261 magic cookie.</summary>
    public bool HasRfc3261Branch => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    /// <summary>The value as written in a message.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(64);
        text.Append(Protocol).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is { } port)
        {
            text.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(text, ';');
        return text.ToString();
    }
}
