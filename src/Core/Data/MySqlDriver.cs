using System.Collections;
using System.Data.Common;
using System.Reflection;
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
