using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Governance.Core.Statistics;
using MiniExcelLibs;

namespace Governance.Tests.Statistics;

/// <summary>
/// A small tree with five orders on one day, each time chosen by hand, and the three rates, times and counts computed
/// by hand for every level, then compared with what the statistics give; rankings with and without the sample; the
/// exports opened again.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class StatisticsTests(TestApp app) : DbTest(app)
{
    private static readonly DateOnly Day = new(2026, 11, 10);

    /// <summary>China time on the day, as UTC.</summary>
    private static DateTime At(int hour, int minute = 0) => new DateTime(2026, 11, 10, hour, minute, 0).AddHours(-8);

    private static async Task<long> OrderAsync(
        string code,
        long building,
        long category,
        string status,
        DateTime? responded,
        bool claimedResponse,
        DateTime? resolved,
        DateTime resolveDue,
        long? claimer,
        long? resident = null,
        DateTime? closed = null
    )
    {
        var path = await TestDatabase.ScalarAsync<string>(
            "SELECT path FROM area WHERE id = @building",
            new { building }
        );
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO service_order (code, source, resident_id, area_id, area_path, category_id, description, urgency,
              status, ack_due_at, resolve_due_at, claimer_person_id, created_at, accepted_at, claimed_at, resolved_at,
              closed_at, updated_at)
            VALUES (@code, 'mini_program', @resident, @building, @path, @category, '测试工单', 'normal', @status, @ackDue,
              @resolveDue, @claimer, @created, @accepted, @claimedAt, @resolved, @closed, @created)
            """,
            new
            {
                code,
                resident,
                building,
                path,
                category,
                status,
                ackDue = At(12),
                resolveDue,
                claimer,
                created = At(9),
                accepted = claimedResponse ? null : responded,
                claimedAt = claimedResponse ? responded : null,
                resolved,
                closed,
            }
        );
        return await TestDatabase.ScalarAsync<long>("SELECT id FROM service_order WHERE code = @code", new { code });
    }

    private static Task RatedAsync(long order, string rating, DateTime at) =>
        TestDatabase.ExecuteAsync(
            """
            INSERT INTO order_event (order_id, kind, actor_role, data, created_at)
            VALUES (@order, 'rated', 'resident', @data, @at)
            """,
            new
            {
                order,
                data = $$"""{"rating":"{{rating}}"}""",
                at,
            }
        );

    /// <summary>
    /// 城东社区 (building 111101): o1 answered and resolved on time (6 h), rated satisfied; o2 answered late, resolved
    /// late (12 h), rated unsatisfied; o3 never answered or resolved. 解放街社区 (building 121101): o4 claimed on time,
    /// resolved on time (13 h), rated basically satisfied; o5 rejected (received, but out of the rates). 90 minutes of
    /// service by member 2001 in 城东社区.
    /// </summary>
    private async Task SmallTreeAsync()
    {
        var o1 = await OrderAsync("T1", 111101, 1, "closed", At(10), false, At(15), At(20), 2001, 1001, At(16));
        var o2 = await OrderAsync("T2", 111101, 1, "resolved", At(13), false, At(21), At(20), 2002);
        await OrderAsync("T3", 111101, 2, "submitted", null, false, null, At(20), null);
        var o4 = await OrderAsync("T4", 121101, 2, "closed", At(11), true, At(22), At(23), 2001, 1002, At(23, 30));
        await OrderAsync("T5", 121101, 2, "rejected", null, false, null, At(20), null);
        await RatedAsync(o1, "satisfied", At(16));
        await RatedAsync(o2, "unsatisfied", At(22));
        await RatedAsync(o4, "basically_satisfied", At(23, 30));
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, community_id,
              created_at)
            VALUES (2001, 'activity', 1, 90, '2026-11-10', 1, 11, @at)
            """,
            new { at = At(18) }
        );
        Assert.True(await App.Service<DailyStatistics>().ComputeAsync(Day, default) > 0);
    }

    private async Task<JsonElement> TableAsync(long client, long area, string table) =>
        await App.ClientFor(client)
            .GetAsync($"/api/statistics/areas/{area}/tables/{table}?from=2026-11-10&to=2026-11-10")
            .OkAsync();

    private static JsonElement Row(JsonElement rows, long id) =>
        rows.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id).GetProperty("figures");

    private static double? Num(JsonElement f, string name) =>
        f.GetProperty(name).ValueKind == JsonValueKind.Null ? null : f.GetProperty(name).GetDouble();

    [Fact]
    public async Task EachRateIsWhatWasComputedByHandAtEveryLevel()
    {
        await SmallTreeAsync();

        var communities = await TableAsync(9001, 1, "areas");
        var east = Row(communities, 11);
        Assert.Equal(3, east.GetProperty("received").GetInt64());
        Assert.Equal(3, east.GetProperty("ackDue").GetInt64());
        Assert.Equal(33.3, Num(east, "responseRate")); // o1 of o1–o3
        Assert.Equal(33.3, Num(east, "resolutionRate")); // o1 of o1–o3
        Assert.Equal(50.0, Num(east, "satisfactionRate")); // satisfied of satisfied + unsatisfied
        Assert.Equal(2, east.GetProperty("resolved").GetInt64());
        Assert.Equal(2.5, Num(east, "avgResponseHours")); // (1 h + 4 h) / 2
        Assert.Equal(9.0, Num(east, "avgResolveHours")); // (6 h + 12 h) / 2
        Assert.Equal("1天内", east.GetProperty("p90Resolve").GetString()); // 6 h ≤ 8 h, 12 h ≤ 1 day: the 2nd of 2
        Assert.Equal(1.5, Num(east, "serviceHours"));

        var liberation = Row(communities, 12);
        Assert.Equal(2, liberation.GetProperty("received").GetInt64()); // the rejected one is received
        Assert.Equal(1, liberation.GetProperty("ackDue").GetInt64()); // but not due for an answer
        Assert.Equal(100.0, Num(liberation, "responseRate")); // a claim is a response
        Assert.Equal(100.0, Num(liberation, "resolutionRate"));
        Assert.Equal(100.0, Num(liberation, "satisfactionRate")); // basically satisfied counts as satisfied

        // The street and the county add both communities up: 2 of 4, 2 of 4, 2 of 3.
        var street = Row(await TableAsync(9000, 100, "areas"), 1);
        Assert.Equal(5, street.GetProperty("received").GetInt64());
        Assert.Equal(50.0, Num(street, "responseRate"));
        Assert.Equal(50.0, Num(street, "resolutionRate"));
        Assert.Equal(66.7, Num(street, "satisfactionRate"));
        var dashboard = await App.ClientFor(9000)
            .GetAsync("/api/statistics/areas/100/dashboard?from=2026-11-10&to=2026-11-10")
            .OkAsync();
        Assert.Equal(66.7, Num(dashboard.GetProperty("period"), "satisfactionRate"));
        Assert.Contains(dashboard.GetProperty("definitions").EnumerateArray(), d =>
            d.GetProperty("key").GetString() == "responseRate" && d.GetProperty("name").GetString() == "响应率"
        );
        Assert.Equal(1, dashboard.GetProperty("live").GetProperty("open").GetInt64()); // o3 is still open

        var series = await App.ClientFor(9011)
            .GetAsync("/api/statistics/areas/11/series?from=2026-11-09&to=2026-11-11")
            .OkAsync();
        var point = series.EnumerateArray().Single(); // only the day with something counted
        Assert.Equal("2026-11-10", point.GetProperty("period").GetString());
        Assert.Equal(33.3, Num(point.GetProperty("figures"), "responseRate"));

        // Per grid, category, member and unit.
        var grids = await TableAsync(9011, 111, "areas");
        Assert.Equal(3, Row(grids, 1111).GetProperty("received").GetInt64());
        var categories = await TableAsync(9011, 11, "categories");
        Assert.Equal(50.0, Num(Row(categories, 1), "satisfactionRate"));
        Assert.Equal(0.0, Num(Row(categories, 2), "resolutionRate")); // in 城东 only o3: 0 of 1
        var members = await TableAsync(9001, 1, "members");
        Assert.Equal(100.0, Num(Row(members, 2001), "resolutionRate")); // o1 and o4
        Assert.Equal(1.5, Num(Row(members, 2001), "serviceHours"));
        Assert.Equal(0.0, Num(Row(members, 2002), "satisfactionRate"));
        var units = await TableAsync(9001, 1, "units");
        Assert.Equal(2, Row(units, 1).GetProperty("resolved").GetInt64()); // 2001 works for 县医院

        // A whole month is read from the monthly sums (November has only this day): the same figures, even with the
        // days gone.
        await TestDatabase.ExecuteAsync("DELETE FROM stat_daily");
        var month = Row(
            await App.ClientFor(9001)
                .GetAsync("/api/statistics/areas/1/tables/areas?from=2026-11-01&to=2026-11-30")
                .OkAsync(),
            11
        );
        Assert.Equal(east.ToString(), month.ToString());

        // A secretary reads their own community, not the street.
        await (await App.ClientFor(9011).GetAsync("/api/statistics/areas/1/tables/areas")).ProblemAsync(
            403,
            "stats.staff_only"
        );
        await (await App.ClientFor(9001).GetAsync("/api/statistics/areas/1/tables/nope")).ProblemAsync(
            404,
            "stats.unknown_table"
        );
        await (
            await App.ClientFor(9001).GetAsync("/api/statistics/areas/1/dashboard?from=2026-11-10&to=2026-11-01")
        ).ProblemAsync(400, "stats.bad_period");
    }

    [Fact]
    public async Task ADayComputedAgainGivesTheSameRowsAndTheNightlyRunCatchesUp()
    {
        await SmallTreeAsync();
        var before = await TestDatabase.QueryAsync<string>(
            "SELECT CONCAT_WS(',', scope, scope_id, received, ack_on_time, satisfied, resolve_minutes) FROM "
                + "stat_daily ORDER BY scope, scope_id"
        );
        await App.Service<DailyStatistics>().ComputeAsync(Day, default);
        var after = await TestDatabase.QueryAsync<string>(
            "SELECT CONCAT_WS(',', scope, scope_id, received, ack_on_time, satisfied, resolve_minutes) FROM "
                + "stat_daily ORDER BY scope, scope_id"
        );
        Assert.Equal(before, after);

        // The nightly run: the seven last computed days again, then every day up to yesterday (11-17).
        Assert.Equal(DailyStatistics.RecomputeDays + 7, await App.Service<DailyStatistics>().CatchUpAsync(default));
        Assert.Equal(14, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM stat_day")); // 11-04 … 11-17
        Assert.Equal(
            before,
            await TestDatabase.QueryAsync<string>(
                "SELECT CONCAT_WS(',', scope, scope_id, received, ack_on_time, satisfied, resolve_minutes) FROM "
                    + "stat_daily ORDER BY scope, scope_id"
            )
        );

        // A first run starts at the first thing counted, not only the first order: here an hour of service on 11-01.
        await TestDatabase.ExecuteAsync(
            """
            DELETE FROM stat_day;
            INSERT INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, community_id,
              created_at)
            VALUES (2002, 'activity', 2, 60, '2026-11-01', 2, 12, '2026-11-01 02:00:00');
            """
        );
        Assert.Equal(17, await App.Service<DailyStatistics>().CatchUpAsync(default)); // 11-01 … 11-17
    }

    [Fact]
    public async Task ARankingLeavesACommunityBelowTheSampleUnrankedOrSmoothsIt()
    {
        await SmallTreeAsync();
        var street = App.ClientFor(9001);
        const string period = "from=2026-11-10&to=2026-11-10";

        var minimum = await street
            .GetAsync($"/api/statistics/areas/1/rankings?level=community&metric=satisfaction&minSample=2&{period}")
            .OkAsync();
        var entries = minimum.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal((1, 11L), (entries[0].GetProperty("rank").GetInt32(), entries[0].GetProperty("id").GetInt64()));
        // 解放街 has 100% from a single rating: listed, not ranked first.
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("rank").ValueKind);
        Assert.True(entries[1].GetProperty("belowSample").GetBoolean());
        Assert.Equal(100.0, entries[1].GetProperty("value").GetDouble());

        var one = await street
            .GetAsync($"/api/statistics/areas/1/rankings?level=community&metric=satisfaction&minSample=1&{period}")
            .OkAsync();
        Assert.Equal(12, one.GetProperty("entries")[0].GetProperty("id").GetInt64());

        // Smoothed toward the street's 2/3 by two imaginary ratings: 解放街 (1+4/3)/3 = 77.8, 城东 (1+4/3)/4 = 58.3.
        var smoothed = await street
            .GetAsync(
                "/api/statistics/areas/1/rankings?level=community&metric=satisfaction&minSample=2"
                    + $"&method=smoothed&{period}"
            )
            .OkAsync();
        var s = smoothed.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal((12L, 77.8), (s[0].GetProperty("id").GetInt64(), s[0].GetProperty("smoothed").GetDouble()));
        Assert.Equal((11L, 58.3), (s[1].GetProperty("id").GetInt64(), s[1].GetProperty("smoothed").GetDouble()));
        Assert.Equal("2026-11-09", smoothed.GetProperty("previousFrom").GetString());

        var hours = await App.ClientFor(9000)
            .GetAsync($"/api/statistics/areas/100/rankings?level=member&metric=hours&{period}")
            .OkAsync();
        Assert.Equal(
            (2001L, 1.5),
            (
                hours.GetProperty("entries")[0].GetProperty("id").GetInt64(),
                hours.GetProperty("entries")[0].GetProperty("value").GetDouble()
            )
        );
        await (await street.GetAsync("/api/statistics/areas/1/rankings?level=planet")).ProblemAsync(
            400,
            "stats.unknown_level"
        );
    }

    [Fact]
    public async Task StatisticsTablesAndRankingsAreExportedWithTheirDefinitions()
    {
        await SmallTreeAsync();
        var county = App.ClientFor(9000);
        var xlsx = await county.GetAsync("/api/statistics/areas/1/exports/areas?from=2026-11-10&to=2026-11-10");
        Assert.Equal(200, (int)xlsx.StatusCode);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(["台账", "口径说明"], book.GetSheetNames().ToArray());
        var rows = book.Query(useHeaderRow: true, sheetName: "台账").Cast<IDictionary<string, object>>().ToList();
        var east = rows.Single(r => (string)r["区域"] == "城东社区");
        Assert.Equal(33.3, Convert.ToDouble(east["响应率（%）"]));
        Assert.Equal(50.0, Convert.ToDouble(east["满意率（%）"]));
        var notes = book.Query(useHeaderRow: true, sheetName: "口径说明").Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(notes, n => (string)n["指标"] == "满意率（%）" && ((string)n["口径"]).Contains("基本满意"));

        var csv = await county.GetAsync(
            "/api/statistics/areas/1/exports/rankings?format=csv&level=community&metric=resolution&minSample=1"
                + "&from=2026-11-10&to=2026-11-10"
        );
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding
            .UTF8.GetString(bytes[3..])
            .Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("名次,名称,所属,解决率（%）,样本量", lines[0]);
        Assert.StartsWith("1,解放街社区,莲花街道,100,1", lines[1]);
        Assert.StartsWith("2,城东社区,莲花街道,33.3,3", lines[2]);
        await (await county.GetAsync("/api/statistics/areas/1/exports/areas?format=pdf")).ProblemAsync(
            400,
            "ledgers.unknown_format"
        );
    }
}
