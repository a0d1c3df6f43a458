using System.Net;
using System.Text.Json;
using CallControl.Testing;
using Npgsql;

namespace CallControl.Api.Tests.Hosting;

public sealed class LocalRunTests : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly PostgresDatabase _database;

    public LocalRunTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task WithAConnectionStringTheServiceUsesThatServerAndReportsReady()
    {
        await using var service = ServiceProcess.Start("CallControl.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__EventStore"] = _database.ConnectionString,
        });
        await service.WaitUntilAsync("/health/ready", StartTimeout);
        using var client = new HttpClient { BaseAddress = service.BaseAddress };

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        report.RootElement.GetProperty("status").GetString().ShouldBe("healthy");
        report.RootElement.GetProperty("checks").GetProperty("event-store").GetProperty("status").GetString().ShouldBe("healthy");
        service.Output.ShouldNotContain("Private PostgreSQL cluster");
    }

    [Fact]
    public async Task ReadyTurnsUnavailableWhenTheDatabaseGoesAwayWhileLiveStaysUp()
    {
        var admin = await TestPostgresServer.GetAdminConnectionStringAsync();
        var name = $"cc_gone_{Guid.NewGuid():N}"[..20];
        await TestPostgresServer.ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        await using var service = ServiceProcess.Start("CallControl.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__EventStore"] = connectionString,
        });
        await service.WaitUntilAsync("/health/ready", StartTimeout);

        await TestPostgresServer.ExecuteAsync(admin, $"DROP DATABASE {name} WITH (FORCE)");
        using var client = new HttpClient { BaseAddress = service.BaseAddress };
        var ready = await client.GetAsync("/health/ready");

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("unhealthy");
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WithoutAConnectionStringTheServiceRunsAPrivateClusterAndStopsItOnShutdown()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-localrun-{Guid.NewGuid():N}", "postgres");
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__EventStore"] = string.Empty,
            ["LocalPostgres__DataDirectory"] = dataDirectory,
        };
        try
        {
            await using (var first = ServiceProcess.Start("CallControl.Api", environment))
            {
                await first.WaitUntilAsync("/health/ready", StartTimeout);
                File.Exists(Path.Combine(dataDirectory, "postmaster.pid")).ShouldBeTrue();
                first.Output.ShouldContain($"Creating a private PostgreSQL cluster in {dataDirectory}");
                first.Output.ShouldContain($"data in {dataDirectory}, listening on 127.0.0.1:");

                (await first.InterruptAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
                File.Exists(Path.Combine(dataDirectory, "postmaster.pid")).ShouldBeFalse("the cluster stops with the service");
            }

            await using var second = ServiceProcess.Start("CallControl.Api", environment);
            await second.WaitUntilAsync("/health/ready", StartTimeout);
            second.Output.ShouldNotContain("Creating a private PostgreSQL cluster");
            second.Output.ShouldContain($"data in {dataDirectory}");
            (await second.InterruptAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dataDirectory)!, recursive: true);
        }
    }

    [Fact]
    public async Task WithoutServerBinariesTheServiceSaysHowToPointItAtAServer()
    {
        await using var service = ServiceProcess.Start("CallControl.Api", new Dictionary<string, string?>
        {
            ["ConnectionStrings__EventStore"] = string.Empty,
            ["LocalPostgres__BinDirectory"] = "/nonexistent/postgresql/bin",
            ["LocalPostgres__DataDirectory"] = Path.Combine(Path.GetTempPath(), $"callcontrol-nobin-{Guid.NewGuid():N}"),
        });

        (await service.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(1);
        service.Output.ShouldContain("No PostgreSQL server binaries (initdb, pg_ctl) were found in /nonexistent/postgresql/bin");
        service.Output.ShouldContain("ConnectionStrings__EventStore");
        service.Output.ShouldNotContain("   at ", Case.Sensitive, "one clear error, not a stack trace");
    }
}
