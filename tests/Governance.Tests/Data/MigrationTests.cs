using Dapper;
using Governance.Core.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Tests.Data;

public sealed class MigrationTests : IAsyncLifetime
{
    private readonly string _database = "governance_mig_" + Guid.NewGuid().ToString("N")[..10];
    private Db _db = null!;
    private MigrationRunner _runner = null!;

    public async Task InitializeAsync()
    {
        await TestDatabase.RecreateAsync(_database);
        _db = new Db(MySqlDriver.WithDatabase(TestDatabase.ConnectionString, _database));
        _runner = new MigrationRunner(_db, TimeProvider.System, NullLogger<MigrationRunner>.Instance);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_database);

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseAndASecondRunIsANoOp()
    {
        var scripts = SqlScript.Migrations();
        Assert.True(scripts.Count >= 2);
        Assert.Equal(scripts.Select(s => s.Name).Order(StringComparer.Ordinal), scripts.Select(s => s.Name));

        var first = await _runner.ApplyAsync(scripts);
        Assert.Equal(scripts.Select(s => s.Name), first);

        await using var c = await _db.OpenAsync();
        // information_schema answers in utf8mb3, which the driver reads like any other charset.
        var tables = (
            await c.QueryAsync<string>(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
            )
        ).ToHashSet();
        foreach (
            var t in new[]
            {
                "area",
                "person",
                "resident",
                "member",
                "unit",
                "staff_role",
                "registration",
                "category",
                "work_calendar",
                "service_order",
                "order_event",
                "order_photo",
                "schema_migration",
            }
        )
            Assert.Contains(t, tables);
        var recorded = (
            await c.QueryAsync<(string Name, string Checksum)>(
                "SELECT name, checksum FROM schema_migration ORDER BY name"
            )
        ).ToList();
        Assert.Equal(scripts.Select(s => (s.Name, s.Checksum)), recorded);

        var second = await _runner.ApplyAsync(scripts);
        Assert.Empty(second);
        Assert.Equal(recorded.Count, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migration"));
        var status = await _runner.VerifyAsync(scripts);
        Assert.Empty(status.Pending);
    }

    [Fact]
    public async Task ARunnerRefusesToGoOnWhenAnAppliedFileHasChanged()
    {
        var scripts = SqlScript.Migrations();
        await _runner.ApplyAsync(scripts);
        var tampered = scripts
            .Select((s, i) =>
                i == 0 ? s with { Text = s.Text + "\nCREATE TABLE edited_after_the_fact (id INT);\n" } : s)
            .ToList();

        var apply = await Assert.ThrowsAsync<MigrationException>(() => _runner.ApplyAsync(tampered));
        Assert.Contains(scripts[0].Name, apply.Message);
        var verify = await Assert.ThrowsAsync<MigrationException>(() => _runner.VerifyAsync(tampered));
        Assert.Contains("changed after it was applied", verify.Message);
    }

    [Fact]
    public async Task RewordingACommentIsNotAChangeAndOlderChecksumsAreBroughtUpToDate()
    {
        var scripts = SqlScript.Migrations();
        await _runner.ApplyAsync(scripts);
        var reworded = scripts
            .Select((s, i) => i == 0 ? s with { Text = "-- a clearer comment\n" + s.Text } : s).ToList();
        Assert.Empty((await _runner.VerifyAsync(reworded)).Pending);

        // A database migrated before checksums ignored comments recorded the checksum of the whole text.
        await using var c = await _db.OpenAsync();
        await c.ExecuteAsync("UPDATE schema_migration SET checksum = @old WHERE name = @name",
            new { old = scripts[1].FullTextChecksum, name = scripts[1].Name });
        Assert.Empty((await _runner.VerifyAsync(scripts)).Pending);
        Assert.Empty(await _runner.ApplyAsync(scripts));
        Assert.Equal(scripts[1].Checksum, await c.ExecuteScalarAsync<string>(
            "SELECT checksum FROM schema_migration WHERE name = @name", new { name = scripts[1].Name }));
    }

    [Fact]
    public async Task PendingMigrationsAreReportedAndAppliedInOrder()
    {
        var scripts = SqlScript.Migrations();
        await _runner.ApplyAsync(scripts.Take(1).ToList());
        var status = await _runner.VerifyAsync(scripts);
        Assert.Equal(scripts.Skip(1).Select(s => s.Name), status.Pending);
        Assert.Equal(scripts.Skip(1).Select(s => s.Name), await _runner.ApplyAsync(scripts));
    }

    [Fact]
    public async Task AFailingMigrationIsNotRecorded()
    {
        var scripts = SqlScript
            .Migrations()
            .Append(
                new SqlScript(
                    "sql/9999_broken.sql",
                    "CREATE TABLE broken (id INT NOT NULL PRIMARY KEY); SELECT * FROM no_such_table;"
                )
            )
            .ToList();
        var ex = await Assert.ThrowsAsync<MigrationException>(() => _runner.ApplyAsync(scripts));
        Assert.Contains("sql/9999_broken.sql", ex.Message);
        await using var c = await _db.OpenAsync();
        Assert.Equal(
            0,
            await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migration WHERE name = 'sql/9999_broken.sql'")
        );
    }
}

public sealed class DriverTests
{
    [Fact]
    public async Task TheSelfCheckReadsAUtf8mb3ResultAndConfirmsUtf8mb4()
    {
        await TestDatabase.EnsureBuiltAsync();
        var version = await TestDatabase.Db.SelfCheckAsync();
        Assert.Contains("MariaDB", version);
    }

    [Fact]
    public async Task AStatementThatRaisesAWarningLeavesTheConnectionUsable()
    {
        await TestDatabase.EnsureBuiltAsync();
        await using var c = await TestDatabase.Db.OpenAsync();
        // A warning (its text comes back in utf8mb3) leaves the connection usable for the next statement.
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT CAST('abc' AS SIGNED)"));
        Assert.Equal("城东社区", await c.ExecuteScalarAsync<string>("SELECT name FROM area WHERE id = 11"));
    }
}
