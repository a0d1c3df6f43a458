using System.Security.Cryptography;
using CallControl.Api.Http;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CallControl.Api.Conversations;

/// <summary>Another request with the same idempotency key committed while this one was running.</summary>
public sealed class IdempotencyKeyTakenException : Exception
{
    public IdempotencyKeyTakenException()
        : base("The idempotency key was taken by a concurrent request.")
    {
    }

    public IdempotencyKeyTakenException(string message)
        : base(message)
    {
    }

    public IdempotencyKeyTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The first response to each <c>Idempotency-Key</c> of a tenant. A command's record is written in its
/// append transaction, so a key is either unused or bound to a committed response, never in between.
/// </summary>
public sealed class IdempotencyRecords
{
    /// <summary>How long keys are kept (the contract promises at least 24 hours).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    private readonly NpgsqlDataSource _dataSource;

    public IdempotencyRecords(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>The stored response for a repeat of the same request; a 422 problem if the key came with another request; null if unused.</summary>
    public async Task<CommandResponse?> FindAsync(string tenantId, IdempotencyRequest request, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT request_hash, status, body, location FROM idempotency_records WHERE tenant_id = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var hash = reader.GetFieldValue<byte[]>(0);
        if (!CryptographicOperations.FixedTimeEquals(hash, request.RequestHash))
        {
            var problem = Problems.IdempotencyConflict(request.Key);
            return CommandResponse.Json(problem.StatusCode, problem.ProblemDetails);
        }

        return new CommandResponse(reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>Binds the key to <paramref name="response"/> inside the caller's transaction.</summary>
    /// <exception cref="IdempotencyKeyTakenException">A concurrent request bound the key first.</exception>
    public async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, IdempotencyRequest request, CommandResponse response, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO idempotency_records (tenant_id, key, request_hash, status, body, location)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, key) DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = request.RequestHash });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = response.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = response.Body });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = response.Location, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new IdempotencyKeyTakenException();
        }
    }

    /// <summary>Binds the key to a response that needed no append (a no-op); answers with the earlier response if the key was taken meanwhile.</summary>
    public async Task<CommandResponse> SaveAsync(string tenantId, IdempotencyRequest request, CommandResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await InsertAsync(connection, transaction, tenantId, request, response, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return response;
        }
        catch (IdempotencyKeyTakenException)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await FindAsync(tenantId, request, cancellationToken) ?? response;
        }
    }

    /// <summary>Replaces the response bound to a key this service bound earlier (a waited command's final answer).</summary>
    public async Task ReplaceAsync(string tenantId, IdempotencyRequest request, CommandResponse response, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE idempotency_records SET status = $3, body = $4, location = $5 WHERE tenant_id = $1 AND key = $2 AND request_hash = $6");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = response.Status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = response.Body });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = response.Location, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = request.RequestHash });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets keys older than <see cref="Retention"/>; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM idempotency_records WHERE created_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = Retention });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Runs <see cref="IdempotencyRecords.ExpireAsync"/> hourly.</summary>
public sealed class IdempotencyExpiry : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly IdempotencyRecords _records;
    private readonly ILogger<IdempotencyExpiry> _logger;

    public IdempotencyExpiry(IdempotencyRecords records, ILogger<IdempotencyExpiry> logger)
    {
        _records = records;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var removed = await _records.ExpireAsync(stoppingToken);
                _logger.LogDebug("Expired {Count} idempotency keys", removed);
            }
            catch (NpgsqlException ex)
            {
                _logger.LogWarning(ex, "Expiring idempotency keys failed; next try in {Interval}", Interval);
            }
        }
    }
}
