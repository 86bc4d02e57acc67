using Governance.Bench.Generator;

namespace Governance.Tests.Bench;

[Collection(DbCollection.Name)]
public sealed class ScaleDataTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task TheGeneratorBuildsAScaledTreeWithPeopleAndAHistoryOfOrders()
    {
        var options = new ScaleOptions
        {
            Streets = 1,
            CommunitiesPerStreet = 2,
            CompoundsPerCommunity = 2,
            GridsPerCompound = 2,
            BuildingsPerGrid = 3,
            UnderPath = $"/{ScaleData.StreetBase}/",
            Residents = 300,
            Members = 120,
            Units = 4,
            Orders = 2000,
            OpenShare = 0.1,
            FollowingShare = 0.5,
        };
        const string indexes =
            "SELECT CONCAT(table_name, '.', index_name, ':', non_unique, ':', column_name) FROM "
            + "information_schema.statistics WHERE table_schema = DATABASE() AND table_name IN ('service_order', "
            + "'order_event') ORDER BY table_name, index_name, seq_in_index";
        var before = await TestDatabase.QueryAsync<string>(indexes);
        Assert.True(before.Count > 20, string.Join(", ", before));
        var result = await App.Service<ScaleData>().GenerateAsync(options);
        // The indexes set aside during the load are all back, as the migrations define them.
        Assert.Equal(before, await TestDatabase.QueryAsync<string>(indexes));
        Assert.Contains("timelines and indexes", result.Steps.Select(s => s.Step));
        Assert.Equal(1 + 2 + 4 + 8 + 24, result.Areas);

        var kinds = await TestDatabase.QueryAsync<(string Kind, long Count)>(
            $"SELECT kind, COUNT(*) FROM area WHERE path LIKE '/{ScaleData.StreetBase}/%' GROUP BY kind ORDER BY kind"
        );
        Assert.Equal([("building", 24L), ("community", 2L), ("compound", 4L), ("grid", 8L), ("street", 1L)], kinds);
        // Staff at every level, so the generated orders can be triaged, escalated and broadcast to.
        Assert.Equal(
            [("grid_worker", 8L), ("secretary", 2L), ("street_admin", 1L)],
            await TestDatabase.QueryAsync<(string, long)>(
                $"SELECT role, COUNT(*) FROM staff_role WHERE person_id >= {ScaleData.StaffBase} GROUP BY role ORDER "
                    + $"BY role"
            )
        );
        // Every resident lives in a generated building; about half follow the account.
        Assert.Equal(
            300,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM resident r JOIN area b ON b.id = r.home_building_id WHERE b.path LIKE "
                    + $"'/{ScaleData.StreetBase}/%'"
            )
        );
        Assert.InRange(
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM person WHERE id BETWEEN @first AND @last AND oa_following = 1",
                new { first = ScaleData.ResidentBase, last = ScaleData.ResidentBase + 299 }
            ),
            100,
            200
        );
        // Members belong to units and are approved where they live.
        Assert.Equal(
            120,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM registration WHERE person_id >= {ScaleData.MemberBase} AND status = 'approved'"
            )
        );
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM member WHERE person_id >= {ScaleData.MemberBase} AND unit_id IS NULL"
            )
        );

        // Orders: a tenth open in every open status, the rest finished, with Chinese descriptions that name the place.
        var statuses = (
            await TestDatabase.QueryAsync<(string Status, long Count)>(
                $"SELECT status, COUNT(*) FROM service_order WHERE id >= {ScaleData.OrderBase} GROUP BY status"
            )
        ).ToDictionary(r => r.Status, r => r.Count);
        Assert.Equal(2000, statuses.Values.Sum());
        Assert.Equal(
            200,
            new[] { "submitted", "accepted", "published", "claimed", "in_progress" }.Sum(s =>
                statuses.GetValueOrDefault(s)
            )
        );
        Assert.All(new[] { "submitted", "accepted", "published", "claimed", "in_progress", "resolved", "closed" }, s =>
            Assert.True(statuses.GetValueOrDefault(s) > 0, s)
        );
        var sample = await TestDatabase.ScalarAsync<string>(
            $"SELECT CONCAT(description, '|', location_text) FROM service_order WHERE id = {ScaleData.OrderBase + 1}"
        );
        var parts = sample.Split('|');
        Assert.StartsWith(parts[1], parts[0]);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", parts[0]);
        // The state the jobs would have left: nothing finished waits for a reminder, and closed orders were rated or
        // marked unrated.
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM service_order WHERE id >= {ScaleData.OrderBase} AND status IN "
                    + $"('resolved','closed') AND (next_remind_at IS NOT NULL OR next_escalate_at IS NOT NULL)"
            )
        );
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM service_order WHERE id >= {ScaleData.OrderBase} AND status = 'closed' AND "
                    + $"satisfaction IS NULL"
            )
        );
        Assert.Equal(
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM service_order WHERE id >= {ScaleData.OrderBase} AND resolved_at IS NOT NULL"
            ),
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM order_event WHERE kind = 'resolved' AND order_id >= {ScaleData.OrderBase}"
            )
        );
        Assert.Equal(
            result.Events,
            await TestDatabase.ScalarAsync<int>(
                $"SELECT COUNT(*) FROM order_event WHERE order_id >= {ScaleData.OrderBase}"
            )
        );
    }

    [Fact]
    public async Task ACountyTreeHangsItsStreetsUnderTheCountyAndRegistersMembersInCommunities()
    {
        await App.Service<ScaleData>()
            .GenerateAsync(
                new ScaleOptions
                {
                    County = true,
                    Streets = 2,
                    CommunitiesPerStreet = 2,
                    CompoundsPerCommunity = 1,
                    GridsPerCompound = 1,
                    BuildingsPerGrid = 2,
                    UnderPath = $"/{ScaleData.CountyId}/",
                    Residents = 20,
                    Members = 20,
                    Units = 2,
                    Orders = 100,
                }
            );
        Assert.Equal(
            [("community", 4L), ("county", 1L), ("street", 2L)],
            await TestDatabase.QueryAsync<(string, long)>(
                $"SELECT kind, COUNT(*) FROM area WHERE path LIKE '/{ScaleData.CountyId}/%' "
                    + "AND kind IN ('county', 'street', 'community') GROUP BY kind ORDER BY kind"
            )
        );
        Assert.Equal(
            ScaleData.CountyId,
            await TestDatabase.ScalarAsync<long>(
                "SELECT area_id FROM staff_role WHERE role = 'county_admin' AND person_id >= @staff",
                new { staff = ScaleData.StaffBase }
            )
        );
        // Every member's registration is with a community (found through the building's compound, not a path position).
        Assert.Equal(
            ["community"],
            await TestDatabase.QueryAsync<string>(
                "SELECT DISTINCT a.kind FROM registration r JOIN area a ON a.id = r.community_id WHERE r.person_id "
                    + ">= @m",
                new { m = ScaleData.MemberBase }
            )
        );
    }
}
