using System.Collections.Immutable;
using System.Text;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// A SIP request or response: header fields in order and a body. Messages are immutable; change one
/// with <c>with</c> or the <see cref="SipMessageBuilding"/> methods. The typed accessors read the header
/// list and return null (or an empty list) when the header is absent or its value did not parse; the
/// list accessors build their list on each call, so hold on to the result rather than call them in a loop.
/// Equality compares start line, headers and body bytes.
/// </summary>
public abstract record SipMessage
{
    private protected SipMessage()
    {
    }

    /// <summary>The header fields in the order received or added.</summary>
    public SipHeaderList Headers { get; init; } = SipHeaderList.Empty;

    /// <summary>The body bytes; the writer derives Content-Length from its length.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Every Via value, top first, across all Via headers.</summary>
    public IReadOnlyList<Via> Vias => Collect<Via>(SipHeaderNames.Via);

    /// <summary>The first Via value, or null.</summary>
    public Via? TopVia => Headers.First(SipHeaderNames.Via)?.Parsed is ImmutableArray<Via> { IsEmpty: false } vias ? vias[0] : null;

    public NameAddress? From => Typed<NameAddress>(SipHeaderNames.From);

    public NameAddress? To => Typed<NameAddress>(SipHeaderNames.To);

    public string? CallId => Typed<string>(SipHeaderNames.CallId);

    public CSeq? CSeq => Headers.First(SipHeaderNames.CSeq)?.Parsed is CSeq value ? value : null;

    public int? MaxForwards => Headers.First(SipHeaderNames.MaxForwards)?.Parsed is int value ? value : null;

    /// <summary>The Content-Length as declared in the headers (the writer always sends the body's length).</summary>
    public int? ContentLength => Headers.First(SipHeaderNames.ContentLength)?.Parsed is int value ? value : null;

    /// <summary>The Content-Type value, media type and parameters as written.</summary>
    public string? ContentType => Headers.First(SipHeaderNames.ContentType) is { IsValid: true } header ? header.Value : null;

    /// <summary>Every Contact value across all Contact headers; empty for <c>Contact: *</c>.</summary>
    public IReadOnlyList<NameAddress> Contacts => Collect<NameAddress>(SipHeaderNames.Contact);

    /// <summary>True when the message carries <c>Contact: *</c> (remove all bindings).</summary>
    public bool HasWildcardContact => Headers.First(SipHeaderNames.Contact)?.Parsed is ContactValues { IsWildcard: true };

    /// <summary>Every Route value, in order.</summary>
    public IReadOnlyList<NameAddress> Routes => Collect<NameAddress>(SipHeaderNames.Route);

    /// <summary>Every Record-Route value, in order.</summary>
    public IReadOnlyList<NameAddress> RecordRoutes => Collect<NameAddress>(SipHeaderNames.RecordRoute);

    /// <summary>
    /// The comma-separated tokens of every header of that name (Allow, Supported, Require, …), trimmed.
    /// </summary>
    public IReadOnlyList<string> GetTokens(string headerName)
    {
        var tokens = new List<string>();
        foreach (var header in Headers.All(headerName))
        {
            foreach (var part in header.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                tokens.Add(part);
            }
        }

        return tokens;
    }

    public virtual bool Equals(SipMessage? other) =>
        other is not null
        && EqualityContract == other.EqualityContract
        && Headers.Equals(other.Headers)
        && Body.Span.SequenceEqual(other.Body.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(EqualityContract);
        hash.Add(Headers);
        hash.AddBytes(Body.Span);
        return hash.ToHashCode();
    }

    /// <summary>The message as it would be sent (body decoded as UTF-8), for logs and tests.</summary>
    public sealed override string ToString() => Encoding.UTF8.GetString(SipWriter.ToArray(this));

    private T? Typed<T>(string name)
        where T : class =>
        Headers.First(name)?.Parsed as T;

    private ImmutableArray<T> Collect<T>(string name)
    {
        var builder = ImmutableArray.CreateBuilder<T>();
        foreach (var header in Headers.All(name))
        {
            switch (header.Parsed)
            {
                case ImmutableArray<T> values:
                    builder.AddRange(values);
                    break;
                case ContactValues contacts when contacts.Items is ImmutableArray<T> items:
                    builder.AddRange(items);
                    break;
            }
        }

        return builder.ToImmutable();
    }
}

/// <summary>What a Contact header holds: <c>*</c> or a list of addresses.</summary>
internal sealed record ContactValues(bool IsWildcard, ImmutableArray<NameAddress> Items);
