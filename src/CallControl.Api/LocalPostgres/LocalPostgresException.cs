namespace CallControl.Api.LocalPostgres;

/// <summary>The private cluster could not be found, created, started or stopped; the message says what to do.</summary>
public sealed class LocalPostgresException : Exception
{
    public LocalPostgresException(string message)
        : base(message)
    {
    }

    public LocalPostgresException()
    {
    }

    public LocalPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
