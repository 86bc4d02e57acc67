using Dapper;
using Governance.Core.Data;

namespace Governance.Tests.Data;

/// <summary>
/// Db.Scope: store calls one after another share a connection; a call made while it is held gets its own.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ConnectionScopeTests(TestApp app) : DbTest(app)
{
    private static async Task<long> ConnectionIdAsync(Db db)
    {
        await using var c = await db.OpenAsync();
        return await c.ExecuteScalarAsync<long>("SELECT CONNECTION_ID()");
    }

    [Fact]
    public async Task SessionVariablesWorkWhateverTheConfiguredStringSays()
    {
        // ./test.sh's connection string does not allow user variables; the product's batches need them.
        Assert.DoesNotContain("user variables", TestDatabase.ConnectionString, StringComparison.OrdinalIgnoreCase);
        var db = new Db(TestDatabase.ConnectionString);
        await using var c = await db.OpenAsync();
        Assert.Equal(42, await c.ExecuteScalarAsync<long>("SET @answer = 42; SELECT @answer;"));
    }

    [Fact]
    public async Task CallsInAScopeShareOneConnectionAndACallMadeWhileItIsHeldGetsItsOwn()
    {
        var db = TestDatabase.Db;
        await using (db.Scope())
        {
            var first = await ConnectionIdAsync(db);
            Assert.Equal(first, await ConnectionIdAsync(db));
            await using (var held = await db.OpenAsync())
            {
                var heldId = await held.ExecuteScalarAsync<long>("SELECT CONNECTION_ID()");
                Assert.Equal(first, heldId);
                Assert.NotEqual(first, await ConnectionIdAsync(db)); // nested: a connection of its own
                // A transaction on the held lease is not seen by the nested call's connection until it commits.
                await using var tx = await held.BeginTransactionAsync();
                await held.ExecuteAsync(
                    "INSERT INTO job_run (job_name, scheduled_at, node, outcome, started_at) VALUES ('scope-test', "
                        + "NOW(3), 'x', 'running', NOW(3))",
                    transaction: tx
                );
                await using (var other = await db.OpenAsync())
                    Assert.Equal(
                        0,
                        await other.ExecuteScalarAsync<int>(
                            "SELECT COUNT(*) FROM job_run WHERE job_name = 'scope-test'"
                        )
                    );
                await tx.CommitAsync();
            }
            Assert.Equal(first, await ConnectionIdAsync(db));
            // Calls made in parallel each get a working connection: the scope's for one of them, their own for the
            // rest.
            var parallel = await Task.WhenAll(
                Enumerable.Range(0, 4).Select(_ => Task.Run(() => ConnectionIdAsync(db)))
            );
            Assert.Equal(
                1,
                await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM job_run WHERE job_name = 'scope-test'")
            );
            Assert.All(parallel, id => Assert.True(id > 0));
        }
        // Outside any scope every call takes a pooled connection as before, and a lease used after its scope ended
        // still works.
        Assert.True(await ConnectionIdAsync(db) > 0);
        System.Data.Common.DbConnection late;
        await using (db.Scope())
            late = await db.OpenAsync();
        Assert.Equal(1, await late.ExecuteScalarAsync<int>("SELECT 1"));
        await late.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, late.State);
    }

    [Fact]
    public async Task ARequestsStoreCallsShareAConnection()
    {
        // Through the API: one request reads the caller, the order and its timeline; with the scope that is one pooled
        // connection opened (each open from the pool costs the driver a connection reset, a round trip).
        var code = await OrderHelpers.ReportCodeAsync(App.ClientFor(1001));
        var opens = 0;
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "Open")
                    Interlocked.Increment(ref opens);
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await OrderHelpers.OkAsync(App.ClientFor(1001).GetAsync($"/api/orders/{code}"));
        Assert.Equal(1, opens);
    }
}
