using System.Data.Common;
using Dapper;

namespace Governance.Core.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [System.ComponentModel.DataAnnotations.Required(
        ErrorMessage = "Database:ConnectionString is required (./run.sh sets it)."
    )]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Optional: a replica that statistics, rankings and exports read from, so that the county's reading never competes
    /// with the order traffic on the primary. Empty: they read the primary.
    /// </summary>
    public string ReadConnectionString { get; set; } = "";
}

/// <summary>
/// Where reports read: the replica of Database:ReadConnectionString when one is configured, else the primary. Only for
/// reads that may lag the primary by the replication delay (statistics, rankings, ledgers and exports).
/// </summary>
public sealed class ReadDb(Db db, bool isReplica)
{
    public Db Db { get; } = db;
    public bool IsReplica { get; } = isReplica;
}

/// <summary>
/// Opens connections. Stores take one per call (Dapper in its plainest form). Inside a <see cref="Scope"/>, calls made
/// one after another share one physical connection, which saves the pool's connection reset on every store call.
/// </summary>
public sealed class Db(string connectionString)
{
    private readonly AsyncLocal<ConnectionScope?> _scope = new();

    public string ConnectionString { get; } =
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException("Database:ConnectionString is not configured.")
            : MySqlDriver.WithProductSettings(connectionString);

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_scope.Value is { } scope && await scope.TryLeaseAsync(ct) is { } lease)
            return lease;
        return await OpenPooledAsync(ct);
    }

    /// <summary>
    /// A pooled connection of its own, opened synchronously, for the framework's few synchronous interfaces (the
    /// data-protection key ring): never the request's scoped connection.
    /// </summary>
    public DbConnection OpenSync()
    {
        var connection = MySqlDriver.CreateConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    internal async Task<DbConnection> OpenPooledAsync(CancellationToken ct)
    {
        var connection = MySqlDriver.CreateConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// Until the scope is disposed, <see cref="OpenAsync"/> in this async flow hands out the scope's one connection
    /// whenever nobody else in the flow holds it; a call made while it is held (inside another store's transaction, or
    /// in parallel) gets a connection of its own, exactly as without a scope. For a unit of work such as a request or
    /// one chat turn.
    /// </summary>
    public ConnectionScope Scope()
    {
        var scope = new ConnectionScope(this);
        _scope.Value = scope;
        return scope;
    }

    /// <summary>
    /// A connection of its own, not from the pool, for work that holds session state — a named lock (GET_LOCK), session
    /// variables, temporary tables: closing it ends the session, so nothing can leak to the next user of a pooled one.
    /// </summary>
    public async Task<DbConnection> OpenDedicatedAsync(CancellationToken ct = default)
    {
        var connection = MySqlDriver.CreateConnection(MySqlDriver.Unpooled(ConnectionString));
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> holding a named lock of this database (GET_LOCK on a dedicated session, so the lock
    /// ends with the session even if the process dies): one node at a time across the cluster.
    /// </summary>
    public async Task<T> UnderLockAsync<T>(string name, TimeSpan wait, Func<Task<T>> work, CancellationToken ct)
    {
        await using var c = await OpenDedicatedAsync(ct);
        var got = await c.ExecuteScalarAsync<int?>(
            new CommandDefinition(
                "SELECT GET_LOCK(CONCAT(DATABASE(), '.', @name), @seconds)",
                new { name, seconds = (int)Math.Ceiling(wait.TotalSeconds) },
                cancellationToken: ct
            )
        );
        if (got != 1)
            throw new TimeoutException($"Timed out waiting for the lock {name}.");
        return await work(); // closing the dedicated session releases the lock
    }

    /// <summary>
    /// Runs a transaction again when InnoDB picks it as a deadlock victim (1213) or a lock wait times out (1205):
    /// both roll the whole transaction back, so running it again is safe. Five tries, short jittered pauses.
    /// </summary>
    public static async Task<T> RetryOnDeadlockAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception ex) when (attempt < 5 && MySqlDriver.IsDeadlockOrLockTimeout(ex))
            {
                await Task.Delay(Random.Shared.Next(10, 50) * attempt, ct);
            }
        }
    }

    /// <summary>Startup self-check: the server answers, and the connection speaks utf8mb4.</summary>
    public async Task<string> SelfCheckAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var row = await c.QuerySingleAsync<(string Version, string Charset, string Zone)>(
            new CommandDefinition(
                "SELECT version(), @@character_set_connection, @@session.time_zone",
                cancellationToken: ct
            )
        );
        if (row.Charset != "utf8mb4")
            throw new InvalidOperationException(
                $"Database connection charset is {row.Charset}; utf8mb4 is required (CharSet=utf8mb4)."
            );
        return row.Version;
    }
}
