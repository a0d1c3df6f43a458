namespace CallControl.Testing;

/// <summary>Bytes that cannot be a netstring: the control channel is out of step and cannot recover.</summary>
public sealed class NetstringFormatException : FormatException
{
    /// <summary>Creates the exception with what was wrong.</summary>
    public NetstringFormatException(string message)
        : base(message)
    {
    }
}
