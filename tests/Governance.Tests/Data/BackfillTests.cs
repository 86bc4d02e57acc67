using Governance.Core.Data;

namespace Governance.Tests.Data;

/// <summary>
/// Migration 0024 gives orders resolved before the service record existed their line in it: run over an order whose
/// line is missing, it writes the line (the member, the minutes, the community); run again, it writes nothing more.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class BackfillTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task OrdersResolvedBeforeTheServiceRecordGetTheirLine()
    {
        await App.ResolvedOrderAsync(member: 2001, hours: 2);
        await TestDatabase.ExecuteAsync("DELETE FROM service_record WHERE source = 'order'");
        var script = SqlScript.Migrations().Single(s => s.Name == "sql/0024_backfill_order_service_records.sql");
        for (var run = 0; run < 2; run++)
        {
            await using var c = await TestDatabase.Db.OpenAsync();
            await MySqlDriver.ExecuteScriptAsync(c, script.Text, default);
        }
        Assert.Equal(
            ["2001 120 11"],
            await TestDatabase.QueryAsync<string>(
                "SELECT CONCAT(person_id, ' ', minutes, ' ', community_id) FROM service_record WHERE source = 'order'"
            )
        );
    }
}
