using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>How the service talks to PostgreSQL; the benchmarks and tests build theirs the same way.</summary>
public static class EventStoreDataSource
{
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Appends and subscription reads are the same few statements: let the driver prepare them.
        builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        // No session reset when a connection goes back to the pool: it costs the server a handful of
        // statements per append. Nothing here leaves session state behind; the one connection that takes
        // session locks and LISTENs (a subscription's) releases both before it is returned.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.ConnectionStringBuilder.ApplicationName ??= "callcontrol";
        return builder.Build();
    }
}
