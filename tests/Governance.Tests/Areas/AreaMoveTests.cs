using System.Net.Http.Json;

namespace Governance.Tests.Areas;

/// <summary>
/// 社区调整: an area moved under another parent of the same level takes its subtree and its orders along, and the new
/// parent's staff answer for them from that moment.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class AreaMoveTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task ACompoundMovesToAnotherCommunityWithItsGridBuildingAndOrders()
    {
        var street = App.ClientFor(9001);
        var ids = new List<long>();
        async Task<long> AddAsync(long parent, string name)
        {
            var id = (await street.PostAsJsonAsync($"/api/areas/{parent}/children", new { name }).OkAsync())
                .GetProperty("id")
                .GetInt64();
            ids.Insert(0, id); // deleted children first
            return id;
        }
        try
        {
            var compound = await AddAsync(11, "调整小区");
            var grid = await AddAsync(compound, "调整小区第一网格");
            var building = await AddAsync(grid, "1栋");
            var code = await App.ClientFor(1001)
                .ReportCodeAsync(description: "调整小区1栋电梯坏了", buildingId: building);
            Assert.Equal(
                $"/100/1/11/{compound}/{grid}/{building}/",
                await TestDatabase.ScalarAsync<string>(
                    "SELECT area_path FROM service_order WHERE code = @code",
                    new { code }
                )
            );

            // A grid cannot go straight under a community, and 城东's secretary cannot give it to 解放街.
            await (await street.PostAsJsonAsync($"/api/areas/{grid}/move", new { parentId = 12 })).ProblemAsync(
                400,
                "areas.move_invalid"
            );
            await (
                await App.ClientFor(9011).PostAsJsonAsync($"/api/areas/{compound}/move", new { parentId = 12 })
            ).ProblemAsync(403, "areas.not_allowed");

            var moved = await street.PostAsJsonAsync($"/api/areas/{compound}/move", new { parentId = 12 }).OkAsync();
            Assert.Equal((3, 1), (moved.GetProperty("areas").GetInt32(), moved.GetProperty("orders").GetInt32()));
            Assert.Equal(
                [$"/100/1/12/{compound}/", $"/100/1/12/{compound}/{grid}/", $"/100/1/12/{compound}/{grid}/{building}/"],
                await TestDatabase.QueryAsync<string>(
                    "SELECT path FROM area WHERE id IN @ids ORDER BY LENGTH(path)",
                    new { ids }
                )
            );
            Assert.Equal(
                12,
                await TestDatabase.ScalarAsync<long>(
                    "SELECT parent_id FROM area WHERE id = @compound",
                    new { compound }
                )
            );
            // The order is now 解放街's: its secretary sees it, 城东's no longer does.
            await App.ClientFor(9012).GetAsync($"/api/orders/{code}").OkAsync();
            await (await App.ClientFor(9011).GetAsync($"/api/orders/{code}")).ProblemAsync(404, "order.not_found");
        }
        finally
        {
            await TestDatabase.ResetAsync(); // the orders and what hangs off them go first
            foreach (var id in ids)
                await TestDatabase.ExecuteAsync("DELETE FROM area WHERE id = @id", new { id });
        }
    }
}
