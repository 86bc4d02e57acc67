using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Data;

public sealed record SqlScript(string Name, string Text)
{
    /// <summary>
    /// SHA-256 of the statements: whole-line comments and trailing blanks are documentation, so rewording a comment
    /// does not make an applied migration look changed; line endings are normalised, so a checkout on Windows does not
    /// either.
    /// </summary>
    public string Checksum => Hash(Statements(Text));

    /// <summary>
    /// How checksums were taken until 2026-12 (the whole text), still recorded in databases migrated before.
    /// </summary>
    public string FullTextChecksum => Hash(Text.Replace("\r\n", "\n"));

    private static string Statements(string text) =>
        string.Join("\n", text.Replace("\r\n", "\n").Split('\n')
            .Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))
            .Select(l => l.TrimEnd()).Where(l => l.Length > 0));

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

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
            foreach (var s in CheckUnchanged(scripts, applied))
                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE schema_migration SET checksum = @checksum WHERE name = @name",
                    new { name = s.Name, checksum = s.Checksum }, cancellationToken: ct));
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

    /// <summary>
    /// Full-text checksums of migrations as they were before their comments were reworded (2026-12: references to
    /// documents outside the repository became references to docs/). A database that recorded one of these applied the
    /// same statements.
    /// </summary>
    private static readonly Dictionary<string, string> Reworded = new(StringComparer.Ordinal)
    {
        ["sql/0003_wechat_outbox_intake.sql"] = "ff44de8a92e0aa596769b66c52ac6bbc25af66482a05d7d9c955eb88e1d80d05",
        ["sql/seed/0001_demo.sql"] = "9e22d6ce48483e5274e5990aa9edb8c8c17e6251b90a708597b26ad78dd06023",
    };

    /// <summary>
    /// Refuses an applied migration whose statements changed; returns the applied ones recorded under an older kind of
    /// checksum (same statements), whose records the migrate command brings up to date.
    /// </summary>
    private static List<SqlScript> CheckUnchanged(IReadOnlyList<SqlScript> scripts, Dictionary<string, string> applied)
    {
        var outdated = new List<SqlScript>();
        foreach (var s in scripts)
        {
            if (!applied.TryGetValue(s.Name, out var recorded) || recorded == s.Checksum) continue;
            if (recorded == s.FullTextChecksum || Reworded.GetValueOrDefault(s.Name) == recorded)
            {
                outdated.Add(s);
                continue;
            }
            throw new MigrationException(
                $"{s.Name} was changed after it was applied (recorded {recorded[..12]}…, file {s.Checksum[..12]}…). "
                    + "Migrations are forward-only: restore the file and add a new migration instead.");
        }
        return outdated;
    }
}
