namespace CallControl.Media.Sip.Messages;

/// <summary>
/// One <c>;name=value</c> parameter of a URI or header. <see cref="Value"/> is null for a flag such as
/// <c>;lr</c>, and is kept as written (escapes and quotes intact).
/// </summary>
public readonly record struct SipParameter(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}={Value}";
}
