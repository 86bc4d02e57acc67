using System.Net.Http.Json;
using System.Text;

namespace Governance.Tests.Orders;

[Collection(DbCollection.Name)]
public sealed class TriageTests(TestApp app) : DbTest(app)
{
    private const long Resident = 1001,
        GridWorker = 9101,
        OtherGridWorker = 9102,
        Secretary = 9011,
        OtherSecretary = 9012,
        StreetAdmin = 9001;

    [Fact]
    public async Task AGridWorkerAcceptsThenPublishesAndTheTimelineShowsWhoDidWhat()
    {
        var code = await App.ClientFor(Resident).ReportCodeAsync();
        var grid = App.ClientFor(GridWorker);

        App.Clock.Advance(TimeSpan.FromMinutes(30));
        var accepted = await grid.PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var published = await grid.PostAsync($"/api/orders/{code}/publish", null).OkAsync();
        Assert.Equal("published", published.GetProperty("status").GetString());

        var timeline = (await App.ClientFor(Resident).GetAsync($"/api/orders/{code}").OkAsync())
            .GetProperty("timeline")
            .EnumerateArray()
            .ToList();
        Assert.Equal(
            new[] { "created", "accepted", "published" },
            timeline.Select(e => e.GetProperty("kind").GetString())
        );
        Assert.Equal("网格员 郑小燕", timeline[1].GetProperty("actor").GetString());
        Assert.Equal("居民", timeline[0].GetProperty("actor").GetString());
        Assert.True(
            timeline[2].GetProperty("at").GetDateTimeOffset() > timeline[1].GetProperty("at").GetDateTimeOffset()
        );

        var row = (
            await TestDatabase.QueryAsync<(string Status, DateTime? AcceptedAt, DateTime? PublishedAt, int Version)>(
                "SELECT status, accepted_at, published_at, version FROM service_order WHERE code = @code",
                new { code }
            )
        ).Single();
        Assert.Equal("published", row.Status);
        Assert.NotNull(row.AcceptedAt);
        Assert.NotNull(row.PublishedAt);
        Assert.Equal(3, row.Version);
    }

    [Fact]
    public async Task RejectingNeedsAReasonAndRecordsIt()
    {
        var code = await App.ClientFor(Resident).ReportCodeAsync();
        var secretary = App.ClientFor(Secretary);
        await (await secretary.PostAsJsonAsync($"/api/orders/{code}/reject", new { reason = " " })).ProblemAsync(
            400,
            "order.reason_required"
        );

        var rejected = await secretary
            .PostAsJsonAsync($"/api/orders/{code}/reject", new { reason = "属于物业公司职责，已转物业" })
            .OkAsync();
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("属于物业公司职责，已转物业", rejected.GetProperty("rejectReason").GetString());
        var last = rejected.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("rejected", last.GetProperty("kind").GetString());
        Assert.Equal("属于物业公司职责，已转物业", last.GetProperty("note").GetString());
        Assert.Equal("社区书记 孙丽华", last.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task MergingMarksTheDuplicateAndRecordsItOnBothTimelines()
    {
        var original = await App.ClientFor(Resident).ReportCodeAsync(description: "3栋楼道灯不亮");
        var duplicate = await App.ClientFor(1002).ReportCodeAsync(description: "金龙小区3栋灯坏了", buildingId: 111103);
        var merged = await App.ClientFor(StreetAdmin)
            .PostAsJsonAsync($"/api/orders/{duplicate}/merge", new { intoCode = original, note = "同一问题" })
            .OkAsync();

        Assert.Equal("merged", merged.GetProperty("status").GetString());
        Assert.Equal(original, merged.GetProperty("mergedInto").GetString());
        var target = await App.ClientFor(Resident).GetAsync($"/api/orders/{original}").OkAsync();
        var last = target.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal("merged_from", last.GetProperty("kind").GetString());
        Assert.Equal(
            await TestDatabase.ScalarAsync<long>(
                "SELECT id FROM service_order WHERE code = @original",
                new { original }
            ),
            await TestDatabase.ScalarAsync<long>(
                "SELECT merged_into_id FROM service_order WHERE code = @duplicate",
                new { duplicate }
            )
        );
    }

    [Fact]
    public async Task IllegalMovesAreConflictsWithAReason()
    {
        var code = await App.ClientFor(Resident).ReportCodeAsync();
        var grid = App.ClientFor(GridWorker);

        var publishEarly = await (await grid.PostAsync($"/api/orders/{code}/publish", null)).ProblemAsync(
            409,
            "order.illegal_transition"
        );
        Assert.Contains("待受理", publishEarly.GetProperty("title").GetString());

        await grid.PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        await (await grid.PostAsync($"/api/orders/{code}/accept", null)).ProblemAsync(409, "order.illegal_transition");
        await (await grid.PostAsJsonAsync($"/api/orders/{code}/merge", new { intoCode = code })).ProblemAsync(
            409,
            "order.merge_into_itself"
        );

        var other = await App.ClientFor(Resident).ReportCodeAsync();
        await grid.PostAsJsonAsync($"/api/orders/{other}/reject", new { reason = "重复提交" }).OkAsync();
        await (await grid.PostAsJsonAsync($"/api/orders/{code}/merge", new { intoCode = other })).ProblemAsync(
            409,
            "order.merge_target_closed"
        );
        await (await grid.PostAsync($"/api/orders/{other}/accept", null)).ProblemAsync(409, "order.illegal_transition");

        Assert.Equal(
            "accepted",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code",
                new { code }
            )
        );
    }

    [Fact]
    public async Task StaffActOnlyInsideTheirAreaAndResidentsCannotTriage()
    {
        var code = await App.ClientFor(Resident).ReportCodeAsync(buildingId: 111103);

        // Out of scope: the order does not exist for them (no leak of its existence).
        await (await App.ClientFor(OtherGridWorker).PostAsync($"/api/orders/{code}/accept", null)).ProblemAsync(
            404,
            "order.not_found"
        );
        await (await App.ClientFor(OtherSecretary).GetAsync($"/api/orders/{code}")).ProblemAsync(
            404,
            "order.not_found"
        );
        await (await App.ClientFor(1002).GetAsync($"/api/orders/{code}")).ProblemAsync(404, "order.not_found");
        // the other street
        await (await App.ClientFor(9002).GetAsync($"/api/orders/{code}")).ProblemAsync(404, "order.not_found");
        // The reporter sees it but may not triage it.
        await (await App.ClientFor(Resident).PostAsync($"/api/orders/{code}/accept", null)).ProblemAsync(
            403,
            "order.staff_only"
        );
        // A member without staff roles cannot triage either.
        await (await App.ClientFor(2001).PostAsync($"/api/orders/{code}/accept", null)).ProblemAsync(
            404,
            "order.not_found"
        );
        Assert.Equal(
            "submitted",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );

        // Every level above the grid may act.
        await App.ClientFor(StreetAdmin).GetAsync($"/api/orders/{code}").OkAsync();
        await App.ClientFor(Secretary).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
    }

    [Fact]
    public async Task StaffActionsWithBrokenBodiesAreProblems()
    {
        var code = await App.ClientFor(Resident).ReportCodeAsync();
        var grid = App.ClientFor(GridWorker);
        await (
            await grid.PostAsync(
                $"/api/orders/{code}/reject",
                new StringContent("{\"reason\":", Encoding.UTF8, "application/json")
            )
        ).ProblemAsync(400, "request.malformed_json");
        await (
            await grid.PostAsync(
                $"/api/orders/{code}/reject",
                new StringContent("reason=x", Encoding.UTF8, "text/plain")
            )
        ).ProblemAsync(415, "request.unsupported_media_type");
        await (await grid.PostAsJsonAsync("/api/orders/GD20990101-0001/reject", new { reason = "x" })).ProblemAsync(
            404,
            "order.not_found"
        );
        await (
            await grid.PostAsJsonAsync($"/api/orders/{code}/merge", new { intoCode = "GD20990101-0001" })
        ).ProblemAsync(400, "order.merge_target_not_found");
    }
}
