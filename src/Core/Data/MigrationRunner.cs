using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Data;

public sealed record SqlScript(string Name, string Text)
{
    /// <summary>
    /// SHA-256 of the text with line endings normalised, so a checkout on Windows does not look "changed".
    /// </summary>
    public string Checksum =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text.Replace("\r\n", "\n"))));

    /// <summary>Forward-only schema migrations: sql/NNNN_description.sql, in ordinal name order.</summary>
    public static IReadOnlyList<SqlScript> Migrations() => Load("sql/", seed: false);

    /// <summary>Demo data: sql/seed/*.sql, applied only by ./run.sh and by tests that ask for it.</summary>
    public static IReadOnlyList<SqlScript> DemoSeed() => Load("sql/seed/", seed: true);

    private static List<SqlScript> Load(string prefix, bool seed)
    {
        var asm = typeof(SqlScript).Assembly;
        return asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Where(n => seed || !n.StartsWith("sql/seed/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => new SqlScript(n, Read(asm, n)))
            .ToList();
    }

    private static string Read(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

public sealed class MigrationException(string message) : Exception(message);

public sealed record MigrationStatus(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending);

/// <summary>
/// Applies sql/*.sql in order, records each with its checksum in schema_migration, and refuses to
/// go on when an applied file has changed since. MySQL commits DDL implicitly, so a file is recorded
/// only after all its statements ran; keep each migration small enough to re-run by hand if it fails.
/// </summary>
public sealed class MigrationRunner(Db db, TimeProvider clock, ILogger<MigrationRunner> log)
{
    private const string CreateTrackingTable = """
        CREATE TABLE IF NOT EXISTS schema_migration (
          name        VARCHAR(200) NOT NULL PRIMARY KEY,
          checksum    CHAR(64)     NOT NULL,
          applied_at  DATETIME(3)  NOT NULL,
          duration_ms INT          NOT NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci
        """;

    public async Task<IReadOnlyList<string>> ApplyAsync(
        IReadOnlyList<SqlScript> scripts,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenDedicatedAsync(ct); // holds the migration lock
        await c.ExecuteAsync(new CommandDefinition(CreateTrackingTable, cancellationToken: ct));
        // Two nodes starting together must not both run a migration.
        var locked = await c.ExecuteScalarAsync<int?>(
            new CommandDefinition("SELECT GET_LOCK(CONCAT(DATABASE(), '.migrate'), 120)", cancellationToken: ct)
        );
        if (locked != 1)
            throw new MigrationException("Could not take the migration lock within 120 s; is another node migrating?");
        try
        {
            var applied = await LoadAppliedAsync(c, ct);
            CheckUnchanged(scripts, applied);
            var done = new List<string>();
            foreach (var script in scripts.Where(s => !applied.ContainsKey(s.Name)))
            {
                var started = clock.GetTimestamp();
                log.LogInformation("Applying {Migration}", script.Name);
                try
                {
                    await MySqlDriver.ExecuteScriptAsync(c, script.Text, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new MigrationException($"{script.Name} failed: {ex.Message}");
                }
                await c.ExecuteAsync(
                    new CommandDefinition(
                        "INSERT INTO schema_migration (name, checksum, applied_at, duration_ms) VALUES (@name, "
                            + "@checksum, @at, @ms)",
                        new
                        {
                            name = script.Name,
                            checksum = script.Checksum,
                            at = clock.GetUtcNow().UtcDateTime,
                            ms = (int)clock.GetElapsedTime(started).TotalMilliseconds,
                        },
                        cancellationToken: ct
                    )
                );
                done.Add(script.Name);
            }
            return done;
        }
        finally
        {
            await c.ExecuteAsync(
                new CommandDefinition("DO RELEASE_LOCK(CONCAT(DATABASE(), '.migrate'))", cancellationToken: ct)
            );
        }
    }

    /// <summary>For serving: fails when an applied file changed or a migration is still pending.</summary>
    public async Task<MigrationStatus> VerifyAsync(IReadOnlyList<SqlScript> scripts, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(CreateTrackingTable, cancellationToken: ct));
        var applied = await LoadAppliedAsync(c, ct);
        CheckUnchanged(scripts, applied);
        var unknown = applied
            .Keys.Where(k => scripts.All(s => s.Name != k) && !k.StartsWith("sql/seed/", StringComparison.Ordinal))
            .ToList();
        if (unknown.Count > 0)
            log.LogWarning(
                "The database has migrations this build does not know: {Migrations}",
                string.Join(", ", unknown)
            );
        return new MigrationStatus(
            scripts.Where(s => applied.ContainsKey(s.Name)).Select(s => s.Name).ToList(),
            scripts.Where(s => !applied.ContainsKey(s.Name)).Select(s => s.Name).ToList()
        );
    }

    private static async Task<Dictionary<string, string>> LoadAppliedAsync(
        System.Data.Common.DbConnection c,
        CancellationToken ct
    )
    {
        var rows = await c.QueryAsync<(string Name, string Checksum)>(
            new CommandDefinition("SELECT name, checksum FROM schema_migration", cancellationToken: ct)
        );
        return rows.ToDictionary(r => r.Name, r => r.Checksum, StringComparer.Ordinal);
    }

    private static void CheckUnchanged(IReadOnlyList<SqlScript> scripts, Dictionary<string, string> applied)
    {
        foreach (var s in scripts)
        {
            if (applied.TryGetValue(s.Name, out var recorded) && recorded != s.Checksum)
                throw new MigrationException(
                    $"{s.Name} was changed after it was applied (recorded {recorded[..12]}…, file "
                        + $"{s.Checksum[..12]}…). "
                        + "Migrations are forward-only: restore the file and add a new migration instead."
                );
        }
    }
}
