using System.Collections;
using System.Data.Common;
using System.Reflection;
using System.Text;
using MySql.Data.MySqlClient;

namespace Governance.Core.Data;

/// <summary>
/// Every line that knows which MySQL driver we use lives here, so that a later swap to
/// MySqlConnector (absent from our registry today) is a one-file change. See STACK.md.
/// </summary>
public static class MySqlDriver
{
    private static readonly object Gate = new();
    private static bool _patched;

    /// <summary>
    /// MariaDB 10.6+ and MySQL 8.0.30+ call the 3-byte charset "utf8mb3", which MySql.Data 8.0.16
    /// does not know: any result in it (version(), SHOW ..., the driver's own SHOW WARNINGS) throws
    /// and poisons the pooled connection. Alias it to "utf8" once per process, before any connection.
    /// </summary>
    public static void EnsureCompatibility()
    {
        lock (Gate)
        {
            if (_patched) return;
            // Before MySql.Data registers the code-pages provider (see Utf8First).
            Encoding.RegisterProvider(Utf8First.Instance);
            var mapType = typeof(MySqlConnection).Assembly.GetType("MySql.Data.MySqlClient.CharSetMap", throwOnError: true)!;
            RuntimeHelpers_RunClassConstructor(mapType);
            var field = mapType.GetField("_mapping", BindingFlags.Static | BindingFlags.NonPublic)
                ?? throw new InvalidOperationException("MySql.Data changed: CharSetMap._mapping not found; the utf8mb3 alias cannot be installed.");
            var mapping = (IDictionary)(field.GetValue(null)
                ?? throw new InvalidOperationException("MySql.Data changed: CharSetMap._mapping is null."));
            if (!mapping.Contains("utf8mb3"))
                mapping["utf8mb3"] = mapping["utf8"];
            _patched = true;
        }
    }

    /// <summary>
    /// MySql.Data looks up a column's encoding for every column of every result (Encoding.GetEncoding), and registers
    /// System.Text.Encoding.CodePages, whose provider takes a reader-writer lock even for UTF-8. Under concurrent load
    /// the threads queue and spin on that lock: a third of the API's CPU in the gateway benchmark. Providers are asked
    /// in the order they were registered, so this one, registered first, answers UTF-8 without a lock and leaves every
    /// other code page to the next.
    /// </summary>
    private sealed class Utf8First : EncodingProvider
    {
        public static readonly Utf8First Instance = new();
        public override Encoding? GetEncoding(int codepage) => codepage == 65001 ? Encoding.UTF8 : null;
        public override Encoding? GetEncoding(string name) =>
            name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;
    }

    private static void RuntimeHelpers_RunClassConstructor(Type t) =>
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(t.TypeHandle);

    /// <summary>
    /// MySql.Data's async methods run synchronously (STACK.md), so concurrent requests each hold a
    /// thread while they wait on the database. Raise the thread pool's floor so a burst does not
    /// starve it while the pool grows by one thread per half second.
    /// </summary>
    public static void TuneThreadPool(int minWorkerThreads)
    {
        ThreadPool.GetMinThreads(out var worker, out var io);
        if (worker < minWorkerThreads) ThreadPool.SetMinThreads(minWorkerThreads, Math.Max(io, minWorkerThreads));
    }

    public static DbConnection CreateConnection(string connectionString)
    {
        EnsureCompatibility();
        return new MySqlConnection(connectionString);
    }

    /// <summary>
    /// The connection string as the product uses it. ConnectionReset is forced off: MySql.Data 8.0.16 resets a pooled
    /// connection with a round trip and a re-read of server settings, which made every open 6–7 times slower
    /// (measured: 400 vs 2,600 single INSERTs a second). Nothing here leaves session state on a pooled connection —
    /// transactions are disposed, and the few things that hold a named lock or set session variables use
    /// <see cref="Unpooled"/> connections, which close for real.
    /// </summary>
    public static string Normalize(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { ConnectionReset = false }.ConnectionString;

    /// <summary>A connection string whose connections are not pooled: closing one ends its session and everything held in it.</summary>
    public static string Unpooled(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Runs a multi-statement script with the driver's own parser (quotes, comments, delimiters).</summary>
    public static async Task<int> ExecuteScriptAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        var script = new MySqlScript((MySqlConnection)connection, sql);
        return await script.ExecuteAsync(ct);
    }

    public static bool IsDuplicateKey(Exception ex) => ex is MySqlException { Number: 1062 };
    public static bool IsDeadlockOrLockTimeout(Exception ex) => ex is MySqlException { Number: 1213 or 1205 };

    public static string DatabaseName(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString).Database;

    public static string WithDatabase(string connectionString, string database) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>
    /// For creating and dropping databases: connects to information_schema without pooling, because
    /// MySql.Data's pooled connection reset fails when the pooled connection has no default database.
    /// </summary>
    public static string ServerLevel(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Database = "information_schema", Pooling = false }.ConnectionString;
}
