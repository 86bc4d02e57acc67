using System.Data.Common;
using MySqlConnector;

namespace Governance.Core.Data;

/// <summary>Every line that knows which MySQL driver we use (MySqlConnector) lives here.</summary>
public static class MySqlDriver
{
    public static MySqlConnection CreateConnection(string connectionString) => new(connectionString);

    /// <summary>
    /// The settings the product's SQL relies on, whatever the configured string says: session variables in batches
    /// (a chat turn's caller is looked up by openid into @pid; an order's first event takes @new_order_id), which
    /// MySqlConnector otherwise refuses as undefined parameters.
    /// </summary>
    public static string WithProductSettings(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { AllowUserVariables = true }.ConnectionString;

    /// <summary>
    /// A connection string whose connections are not pooled: closing one ends its session and everything held in it.
    /// </summary>
    public static string Unpooled(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>
    /// Runs a multi-statement script (a migration, the demo seed). The server splits the statements; the driver only
    /// scans the text for parameters, of which a script has none. No timeout: a migration over a large table takes what
    /// it takes.
    /// </summary>
    public static async Task ExecuteScriptAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, (MySqlConnection)connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    public static bool IsDuplicateKey(Exception ex) =>
        ex is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public static bool IsDeadlockOrLockTimeout(Exception ex) =>
        ex is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    /// <summary>
    /// The server cannot be reached or went away (refused, reset, restarted, pool exhausted waiting for it): the
    /// request may be retried later, so the API answers 503 rather than 500.
    /// </summary>
    public static bool IsUnavailable(Exception ex) =>
        ex switch
        {
            MySqlException m => m.ErrorCode
                is MySqlErrorCode.UnableToConnectToHost
                    or MySqlErrorCode.ServerShutdown
                    or MySqlErrorCode.NormalShutdown
                    or MySqlErrorCode.ShutdownComplete
                    or MySqlErrorCode.AbortingConnection
                    // A server shutting down interrupts the statements in flight.
                    or MySqlErrorCode.QueryInterrupted
                    or MySqlErrorCode.ConnectionCountError
                    or MySqlErrorCode.TooManyUserConnections
                // MariaDB's ER_CONNECTION_KILLED, sent to every session when the server stops.
                || (int)m.ErrorCode == 1927
                || m.InnerException is System.Net.Sockets.SocketException or IOException
                || m.IsTransient,
            System.Net.Sockets.SocketException or EndOfStreamException => true,
            InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
            // A pooled session the server dropped mid-request (a restart): the driver marks it Broken.
            InvalidOperationException { Source: "MySqlConnector" } i => i.Message.Contains(
                "state is Broken",
                StringComparison.Ordinal
            ),
            _ => false,
        };

    public static string DatabaseName(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString).Database;

    public static string WithDatabase(string connectionString, string database) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>
    /// For creating and dropping databases: the same server and account, no default database, no pooling.
    /// </summary>
    public static string ServerLevel(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = "", Pooling = false }.ConnectionString;

    /// <summary>
    /// Bulk loading with LOAD DATA LOCAL INFILE (the benchmark's data generator): the client must allow it, and the
    /// server must have local_infile on.
    /// </summary>
    public static string WithLocalInfile(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { AllowLoadLocalInfile = true }.ConnectionString;
}
