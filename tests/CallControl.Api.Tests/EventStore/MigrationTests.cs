using CallControl.Api.EventStore;
using CallControl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

public sealed class MigrationTests
{
    [Fact]
    public async Task TwoInstancesMigratingAnEmptyDatabaseAtOnceApplyEachScriptOnce()
    {
        var admin = await TestPostgresServer.GetAdminConnectionStringAsync();
        var name = $"cc_migrate_{Guid.NewGuid():N}"[..24];
        await TestPostgresServer.ExecuteAsync(admin, $"CREATE DATABASE {name}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            await using var first = NpgsqlDataSource.Create(connectionString);
            await using var second = NpgsqlDataSource.Create(connectionString);

            var applied = await Task.WhenAll(
                Task.Run(() => SchemaMigrator.ApplyAsync(first, NullLogger.Instance)),
                Task.Run(() => SchemaMigrator.ApplyAsync(second, NullLogger.Instance)));

            applied.Sum().ShouldBe(SchemaMigrator.Migrations.Count);
            applied.ShouldContain(0);
            await using var count = first.CreateCommand("SELECT count(*) FROM schema_migrations");
            (await count.ExecuteScalarAsync()).ShouldBe((long)SchemaMigrator.Migrations.Count);
            (await SchemaMigrator.ApplyAsync(first, NullLogger.Instance)).ShouldBe(0);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestPostgresServer.ExecuteAsync(admin, $"DROP DATABASE {name} WITH (FORCE)");
        }
    }

    [Fact]
    public void MigrationsAreNumberedWithoutGaps() =>
        SchemaMigrator.Migrations.Select(m => m.Version).ShouldBe(Enumerable.Range(1, SchemaMigrator.Migrations.Count));
}
