using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Governance.Core.Data;

/// <summary>
/// One physical connection shared, one lease at a time, by the store calls of a unit of work (see <see
/// cref="Db.Scope"/>). A lease looks like a connection to its user; disposing it gives the connection back to the
/// scope, and disposing the scope gives it back to the pool (or the lease does, if it is still out when the scope
/// ends).
/// </summary>
public sealed class ConnectionScope : IAsyncDisposable, IDisposable
{
    private readonly Db _db;
    private readonly Lock _gate = new();
    private DbConnection? _connection;
    private bool _leased,
        _disposed;

    internal ConnectionScope(Db db) => _db = db;

    internal async Task<DbConnection?> TryLeaseAsync(CancellationToken ct)
    {
        DbConnection? connection;
        lock (_gate)
        {
            if (_disposed || _leased)
                return null;
            _leased = true;
            connection = _connection;
        }
        try
        {
            if (connection is null || connection.State != ConnectionState.Open)
            {
                // First use, or the connection broke: a fresh one from the pool.
                if (connection is not null)
                    await connection.DisposeAsync();
                connection = await _db.OpenPooledAsync(ct);
                lock (_gate)
                    _connection = connection;
            }
            return new Lease(this, connection);
        }
        catch
        {
            lock (_gate)
            {
                _leased = false;
                _connection = null;
            }
            throw;
        }
    }

    private void Return()
    {
        DbConnection? close;
        lock (_gate)
        {
            _leased = false;
            close = _disposed ? _connection : null;
            if (_disposed)
                _connection = null;
        }
        close?.Dispose();
    }

    public void Dispose()
    {
        DbConnection? close;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            // A lease still out closes the connection when it comes back.
            close = _leased ? null : _connection;
            if (!_leased)
                _connection = null;
        }
        close?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The scope's connection, lent to one store call: everything is passed through, except that closing returns it.
    /// </summary>
    private sealed class Lease(ConnectionScope scope, DbConnection inner) : DbConnection
    {
        private int _returned;

        [AllowNull]
        public override string ConnectionString
        {
            get => inner.ConnectionString;
            set => throw new NotSupportedException("A leased connection cannot be reconfigured.");
        }
        public override string Database => inner.Database;
        public override string DataSource => inner.DataSource;
        public override string ServerVersion => inner.ServerVersion;
        public override ConnectionState State =>
            Volatile.Read(ref _returned) == 1 ? ConnectionState.Closed : inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Open() { }

        public override Task OpenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Close() => Return();

        protected override DbCommand CreateDbCommand() => inner.CreateCommand();

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) =>
            inner.BeginTransaction(isolationLevel);

        protected override ValueTask<DbTransaction> BeginDbTransactionAsync(
            IsolationLevel isolationLevel,
            CancellationToken cancellationToken
        ) => inner.BeginTransactionAsync(isolationLevel, cancellationToken);

        private void Return()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
                scope.Return();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                Return();
            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync()
        {
            Return();
            return ValueTask.CompletedTask;
        }
    }
}
